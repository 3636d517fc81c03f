// Proof that the app holds the private key it registers (issue 4): at activation it signs, with
// the new device key, the activation code together with a fresh broker challenge and the
// document number, so a code intercepted on its way cannot bind somebody else's key, and a proof
// cannot be replayed for another activation. Same signature form as every signed call.
import type { KeyObject } from 'node:crypto';
import { signDeviceBytes, verifyDeviceSignature } from './signed-call.js';

export function activationProofBytes(documentNumber: string, code: string, challenge: string): Buffer {
  return Buffer.from(`pasarela-device-activation\n${documentNumber}\n${code}\n${challenge}`, 'utf8');
}

export function signActivationProof(privateKey: KeyObject, documentNumber: string, code: string, challenge: string): string {
  return signDeviceBytes(privateKey, activationProofBytes(documentNumber, code, challenge));
}

export function verifyActivationProof(publicKey: KeyObject, documentNumber: string, code: string, challenge: string, proof: string): boolean {
  return verifyDeviceSignature(publicKey, activationProofBytes(documentNumber, code, challenge), proof);
}
