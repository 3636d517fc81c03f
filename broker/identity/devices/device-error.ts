// Refusals of the devices registry and the app API: a closed set of codes, each with its HTTP
// status, so every route answers bad input the same way (4xx JSON {error, message}).
export type DeviceErrorCode = 'invalid-key' | 'invalid-push-address' | 'invalid-label' | 'person-unknown' | 'device-unknown';

export const DEVICE_ERROR_STATUS: Record<DeviceErrorCode, number> = {
  'invalid-key': 400,
  'invalid-push-address': 400,
  'invalid-label': 400,
  'person-unknown': 404,
  'device-unknown': 404,
};

export class DeviceError extends Error {
  override name = 'DeviceError';
  constructor(readonly code: DeviceErrorCode, message: string) {
    super(message);
  }
}
