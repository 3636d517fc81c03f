// Refusals of the devices registry and the app API: a closed set of codes, each with its HTTP
// status, so every route answers bad input the same way (4xx JSON {error, message}).
export type DeviceErrorCode =
  | 'invalid' | 'invalid-key' | 'invalid-push-address' | 'invalid-label' | 'person-unknown' | 'device-unknown'
  | 'proof-invalid' | 'challenge-unknown' | 'code-invalid' | 'rate-limited';

export const DEVICE_ERROR_STATUS: Record<DeviceErrorCode, number> = {
  invalid: 400,
  'invalid-key': 400,
  'invalid-push-address': 400,
  'invalid-label': 400,
  'person-unknown': 404,
  'device-unknown': 404,
  'proof-invalid': 400,
  'challenge-unknown': 400,
  'code-invalid': 403,
  'rate-limited': 429,
};

export class DeviceError extends Error {
  override name = 'DeviceError';
  constructor(readonly code: DeviceErrorCode, message: string) {
    super(message);
  }
}
