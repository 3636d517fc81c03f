// Which connectors this login may use: the enabled ones, narrowed by the SP's policy, minus what
// the request excludes in the Cl@ve dialect (attributes requested without value name the
// identity providers the SP disables).
import type { SpPolicy } from '../config.js';

const CLAVE_EXCLUSIONS: Readonly<Record<string, string>> = {
  AFirmaIdP: 'certificate',
  GISSIdP: 'permanente',
  CLVMOVILIdP: 'movil',
  EIDASIdP: 'eidas',
  AEATIdP: 'pin',
};

export interface MethodPermissions {
  /** connector ids the SP's policy allows */
  readonly byPolicy: readonly string[];
  /** connector ids the request excludes */
  readonly excluded: readonly string[];
}

export function methodPermissions(enabled: readonly string[], policy: SpPolicy, claveExcludedAttributes: readonly string[]): MethodPermissions {
  const byPolicy = policy.allowedMethods ? enabled.filter((m) => policy.allowedMethods!.includes(m)) : [...enabled];
  const excluded = claveExcludedAttributes
    .map((name) => CLAVE_EXCLUSIONS[name.slice(name.lastIndexOf('/') + 1)])
    .filter((m): m is string => m !== undefined);
  return { byPolicy, excluded };
}

export function allowedMethods(p: MethodPermissions): string[] {
  return p.byPolicy.filter((m) => !p.excluded.includes(m));
}
