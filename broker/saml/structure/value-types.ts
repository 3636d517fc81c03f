// Lexical checks of the XSD simple types our messages use. Each is as strict as the XSD or
// stricter (never looser): the differential test against libxml2 holds us to that.

export type ValueType =
  | 'string'
  | 'nonEmptyString'
  | 'ncname'
  | 'dateTime'
  | 'anyURI'
  | 'boolean'
  | 'unsignedShort'
  | 'nonNegativeInteger'
  | 'integer'
  | 'base64'
  | 'samlVersion'
  | { readonly enum: readonly string[] };

// xs:NCName restricted to ASCII: every SAML ID we have seen is ASCII, and the full Unicode
// NCName production is easy to get subtly looser than libxml2.
const NCNAME = /^[A-Za-z_][A-Za-z0-9._-]*$/;
// xs:dateTime restricted to UTC with "Z" (SAML core §1.3.3 requires UTC, no time zone offset).
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;
// xs:anyURI restricted to RFC 3986 characters, no whitespace, not empty.
const ANY_URI = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;
const PCT_OK = /%(?![0-9A-Fa-f]{2})/;
// RFC 3986 §3.1/§4.2: a ':' before any '/', '?' or '#' must end a scheme (libxml2 agrees).
const SCHEME_PART = /^[^/?#]*:/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// Whitespace XSD base64Binary collapses; we also accept the line breaks signers put in.
const BASE64_SPACE = /[ \t\r\n]/g;

function validDateTime(v: string): boolean {
  const m = DATE_TIME.exec(v);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCDate() === d && t.getUTCMonth() === mo - 1;
}

export function checkValue(type: ValueType, v: string): boolean {
  if (typeof type === 'object') return type.enum.includes(v);
  switch (type) {
    case 'string':
      return true;
    case 'nonEmptyString':
      return v.trim() !== '';
    case 'ncname':
      return NCNAME.test(v);
    case 'dateTime':
      return validDateTime(v);
    case 'anyURI':
      return v.length <= 4096 && ANY_URI.test(v) && !PCT_OK.test(v) && (!SCHEME_PART.test(v) || SCHEME.test(v));
    case 'boolean':
      return v === 'true' || v === 'false' || v === '1' || v === '0';
    case 'unsignedShort':
      return /^\d{1,5}$/.test(v) && Number(v) <= 65535;
    case 'nonNegativeInteger':
      return /^\d{1,18}$/.test(v);
    case 'integer':
      return /^-?\d{1,64}$/.test(v);
    case 'base64':
      return BASE64.test(v.replace(BASE64_SPACE, ''));
    case 'samlVersion':
      return v === '2.0';
  }
}

export function parseXsdBoolean(v: string | null | undefined): boolean | undefined {
  // xmldom's getAttribute answers '' for an absent attribute; '' is no boolean (the structural
  // validator refuses it where present), so it reads as absent
  if (v === null || v === undefined || v === '') return undefined;
  return v === 'true' || v === '1';
}

/** Human name of a type, for the refusal detail. */
export function typeName(type: ValueType): string {
  return typeof type === 'object' ? `one of ${type.enum.join('|')}` : type;
}
