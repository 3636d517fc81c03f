// Namespaces and URIs of ETSI TS 119 612 trusted lists (v2 schema, as the EU member states
// publish them) and of the XAdES signature they carry (ETSI EN 319 132-1), spelled once.

export const TSL_NS = {
  /** TrustServiceStatusList and everything in it (TS 119 612 §5) */
  tsl: 'http://uri.etsi.org/02231/v2#',
  /** additional types: ExtendedKeyUsage, TakenOverBy, CertSubjectDNAttribute… (Annex C) */
  tslx: 'http://uri.etsi.org/02231/v2/additionaltypes#',
  /** Qualifications extension: QualificationElement, CriteriaList, PolicySet, KeyUsage (§5.5.9.2) */
  ecc: 'http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/#',
  xades: 'http://uri.etsi.org/01903/v1.3.2#',
} as const;

/** Reference Type of the XAdES SignedProperties (EN 319 132-1 §4.3.1). */
export const XADES_SIGNED_PROPERTIES_TYPE = 'http://uri.etsi.org/01903#SignedProperties';

export const SERVICE_TYPE = {
  /** a CA issuing qualified certificates: the only service type whose certificates anchor paths */
  caQc: 'http://uri.etsi.org/TrstSvc/Svctype/CA/QC',
} as const;

const STATUS_BASE = 'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/';

export const SERVICE_STATUS = {
  granted: `${STATUS_BASE}granted`,
  withdrawn: `${STATUS_BASE}withdrawn`,
  /** Directive 1999/93/EC statuses, replaced by "granted" when eIDAS applied (1 July 2016) */
  underSupervision: `${STATUS_BASE}undersupervision`,
  accredited: `${STATUS_BASE}accredited`,
} as const;

/** The day Regulation (EU) 910/2014 replaced the Directive's statuses on the trusted lists. */
export const EIDAS_APPLICATION_DATE = new Date('2016-07-01T00:00:00Z');

/** Prefix of the qualifier and additional-information URIs (TS 119 612 §5.5.9.2.3, §5.5.9.4). */
export const SVC_INFO_EXT = 'http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/';
