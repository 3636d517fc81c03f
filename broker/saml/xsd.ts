// Full XSD validation with libxmljs2 (libxml2), for metadata and for tests (the differential test
// of the structural validator). Not on the hot path: see validate-structure.ts for that.
//
// The vendored schemas import each other through W3C URLs. libxml2 would fetch those over the
// network, so at first use we copy the schemas into a private temp directory with every known URL
// rewritten to the local file name, and compile them from there with network access off. Compiled
// schema documents are cached per kind.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import libxml from 'libxmljs2';
import { NS } from './namespaces.js';

export type SchemaKind = 'metadata' | 'protocol' | 'assertion';

export interface XsdResult {
  ok: boolean;
  errors: string[];
}

const SCHEMA_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'schemas');

// Every remote schemaLocation the vendored files use, and the local copy that replaces it.
const LOCAL_FOR_URL: Record<string, string> = {
  'http://www.w3.org/TR/2002/REC-xmldsig-core-20020212/xmldsig-core-schema.xsd': 'xmldsig-core-schema.xsd',
  'http://www.w3.org/TR/xmldsig-core/xmldsig-core-schema.xsd': 'xmldsig-core-schema.xsd',
  'http://www.w3.org/TR/2002/REC-xmlenc-core-20021210/xenc-schema.xsd': 'xenc-schema.xsd',
  'http://www.w3.org/2001/xml.xsd': 'xml.xsd',
};

// Entry points: a schema without target namespace that only imports what the kind needs, so one
// compiled document knows the main namespace and the extension schemas we vendor.
const ENTRY_IMPORTS: Record<SchemaKind, [string, string][]> = {
  metadata: [
    [NS.md, 'saml-schema-metadata-2.0.xsd'],
    [NS.mdattr, 'sstc-metadata-attr.xsd'],
    [NS.mdui, 'sstc-saml-metadata-ui-v1.0.xsd'],
    [NS.alg, 'sstc-saml-metadata-algsupport-v1.0.xsd'],
  ],
  // xenc11 for the OAEP MGF inside an EncryptedKey's EncryptionMethod (a strict wildcard there)
  protocol: [[NS.samlp, 'saml-schema-protocol-2.0.xsd'], [NS.xenc11, 'xenc11-schema.xsd']],
  assertion: [[NS.saml, 'saml-schema-assertion-2.0.xsd'], [NS.xenc11, 'xenc11-schema.xsd']],
};

// Options for every parse here: no network, no entity substitution, no DTD loading.
const SAFE_PARSE = { nonet: true, noent: false, dtdload: false, dtdvalid: false, huge: false } as const;

let localDir: string | undefined;
const compiled = new Map<SchemaKind, libxml.Document>();

/** Copy the vendored schemas once into a temp dir with remote schemaLocations made local. */
function prepareLocalSchemas(): string {
  if (localDir) return localDir;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pasarela-xsd-'));
  for (const file of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.xsd'))) {
    let text = readFileSync(path.join(SCHEMA_DIR, file), 'utf8');
    text = text.replace(/schemaLocation=(["'])([^"']+)\1/g, (whole, q: string, url: string) => {
      const local = LOCAL_FOR_URL[url];
      if (local) return `schemaLocation=${q}${local}${q}`;
      if (/^[a-z]+:/i.test(url)) throw new Error(`schema ${file} imports an unmapped remote location ${url}`);
      return whole;
    });
    writeFileSync(path.join(dir, file), text);
  }
  for (const [kind, imports] of Object.entries(ENTRY_IMPORTS)) {
    const body = imports.map(([ns, file]) => `  <xs:import namespace="${ns}" schemaLocation="${file}"/>`).join('\n');
    writeFileSync(path.join(dir, `entry-${kind}.xsd`), `<?xml version="1.0"?>\n<xs:schema xmlns:xs="${NS.xs}">\n${body}\n</xs:schema>\n`);
  }
  localDir = dir;
  return dir;
}

function compiledSchema(kind: SchemaKind): libxml.Document {
  const cached = compiled.get(kind);
  if (cached) return cached;
  const dir = prepareLocalSchemas();
  const file = path.join(dir, `entry-${kind}.xsd`);
  const doc = libxml.parseXml(readFileSync(file, 'utf8'), { ...SAFE_PARSE, baseUrl: file });
  compiled.set(kind, doc);
  return doc;
}

/**
 * Validate `xml` against the SAML schema of `kind`. A DOCTYPE is refused outright (SAML forbids
 * it, and libxml2 must never see a DTD from outside). Never fetches anything.
 */
export function validateXsd(xml: string, schema: SchemaKind): XsdResult {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return { ok: false, errors: ['DOCTYPE not allowed'] };
  const xsd = compiledSchema(schema);
  let doc: libxml.Document;
  try {
    doc = libxml.parseXml(xml, SAFE_PARSE);
  } catch (err) {
    return { ok: false, errors: [`not well-formed: ${(err as Error).message.trim()}`] };
  }
  if (doc.errors.length > 0) return { ok: false, errors: doc.errors.map((e) => String(e.message).trim()) };
  let ok: boolean;
  try {
    ok = doc.validate(xsd);
  } catch (err) {
    return { ok: false, errors: [`validation failed: ${(err as Error).message.trim()}`] };
  }
  return { ok, errors: ok ? [] : doc.validationErrors.map((e) => String(e.message).trim()) };
}
