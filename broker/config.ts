// The configuration schema is the reference for every option: each key is described here and
// defaulted in config/default.yaml (laptop-safe). Load order: default.yaml, then the file named by
// PASARELA_CONFIG (deep-merged), then environment variables. Invalid configuration is a clear
// message and exit 1 at start-up (main.ts), never a half-configured broker.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { LOA_RUNGS, LOA_FRAMEWORKS } from './loa.js';
import { letterChannelSchema } from './identity/channels/letter/config.js';
import { proxiesNotTrusted } from './pki/client-host/trusted-proxies.js';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const rung = z.enum(LOA_RUNGS);
const framework = z.enum(LOA_FRAMEWORKS as unknown as ['eidas', 'eherkenning', 'fas', 'saml']);
const signatureAlgorithm = z.enum(['rsa-sha256', 'rsa-sha512', 'rsa-pss-sha256', 'rsa-pss-sha512']); // an EC key always signs with ECDSA (saml/signing-algorithm.ts)
const methodId = z.string().regex(/^[a-z][a-z0-9-]*$/);

const methodRungs = z
  .object({
    basic: rung.nullable().describe('rung reached by a person with basic registration; null: not offered'),
    advanced: rung.nullable().describe('rung reached by a person with advanced registration; null: not offered'),
  })
  .describe('the rung a method reaches per registration level');

export const spPolicySchema = z
  .object({
    displayName: z.string().optional().describe('name of the service shown on the selector'),
    signResponse: z.boolean().default(true).describe('sign the Response as well as the Assertion'),
    signAssertion: z.boolean().default(true).describe('sign the Assertion'),
    encryptAssertion: z.boolean().default(false).describe('encrypt the Assertion to the SP metadata encryption key'),
    requireSignedAuthnRequests: z.boolean().default(false).describe('refuse unsigned AuthnRequests even when the SP metadata does not say AuthnRequestsSigned'),
    signatureAlgorithm: signatureAlgorithm.optional().describe('signature algorithm for this SP; default saml.signatureAlgorithm'),
    dialects: z.array(z.enum(['eidas', 'clave', 'eherkenning'])).default(['eidas']).describe('attribute dialects released to this SP'),
    releasedAttributes: z.array(z.string()).optional().describe('attribute names (URIs) this SP may receive; default the eIDAS minimum data set (+ Cl@ve attributes when that dialect is on)'),
    loaFramework: framework.default('eidas').describe('framework of answer URIs when the request names none'),
    minimumRung: rung.default('2').describe('the lowest rung this SP ever accepts'),
    allowedMethods: z.array(methodId).optional().describe('connector ids this SP allows; default every enabled connector'),
    secondFactors: z.array(z.enum(['sms', 'totp', 'email'])).min(1).optional().describe("second factors of Cl@ve Permanente's reinforced mode this SP accepts; default every one the broker offers"),
    relayStateMaxBytes: z.number().int().min(80).max(8192).default(1024).describe('longest RelayState accepted (never truncated)'),
    encryptIdentifiers: z.boolean().default(false).describe('send the eHerkenning LegalSubjectID and ActingSubjectID as EncryptedID to the SP metadata encryption key'),
  })
  .describe('per-SP policy entry');
export type SpPolicy = z.infer<typeof spPolicySchema>;

// eIDAS signature algorithms (eIDAS crypto requirements v1.4 §2.2): RSASSA-PSS and ECDSA. We sign
// with those only; RSA PKCS#1 v1.5 (RSA-SHA256/512), which some nodes still use, is accepted from a
// node only when its country entry lists it. Never RSA-SHA1.
const eidasOwnSignatureAlgorithm = z.enum(['rsa-pss-sha256', 'rsa-pss-sha512', 'ecdsa-sha256']);
const eidasSignatureAlgorithm = z.enum([...eidasOwnSignatureAlgorithm.options, 'rsa-sha256', 'rsa-sha512']);

const eidasCountrySchema = z
  .object({
    code: z.string().regex(/^[A-Z]{2}$/).describe('ISO 3166-1 alpha-2 country code of the node (EL for Greece, as eIDAS writes it)'),
    name: z.string().optional().describe('name shown on the country page; default the code'),
    metadata: z.string().min(1).describe('the node\'s metadata: a file (relative to the project root, usually under metadata/eidas/) or an http(s) URL'),
    metadataSigningCertFile: z.string().min(1).describe('PEM certificate that must have signed that metadata (relative to the project root)'),
    signatureAlgorithms: z.array(eidasSignatureAlgorithm).min(1).optional().describe('signature algorithms accepted from this node; default the eIDAS set (RSA-PSS and ECDSA); list rsa-sha256/rsa-sha512 explicitly for a node that still signs with RSA PKCS#1 v1.5'),
    refreshMinutes: z.number().int().min(1).max(1440).default(60).describe('minutes between metadata reads'),
  })
  .describe('one foreign eIDAS proxy-service node');

const certificateConnectorSchema = z
  .object({
    mode: z.enum(['direct', 'proxy']).describe('direct: the broker serves a client-certificate HTTPS listener of its own (clientTls); proxy: a TLS-terminating proxy passes the client certificate in proxyHeader'),
    clientTls: z
      .object({
        host: z.string().describe('address the client-certificate listener binds'),
        port: z.number().int().min(0).max(65535).describe('port of the client-certificate listener'),
        publicUrl: z.string().url().optional().describe('external base URL of the client-certificate listener (https, another host name than publicUrl); default https://<publicUrl host>:<port>'),
        certFile: z.string().nullable().optional().describe('PEM server certificate of the listener; absent: a development pair generated under varDir'),
        keyFile: z.string().nullable().optional().describe('PEM private key of certFile'),
      })
      .describe('the direct mode\'s own HTTPS listener (requestCert, TLS 1.2+; the trusted-list anchors are sent as acceptable CAs)'),
    proxyHeader: z
      .object({
        name: z.string().min(1).describe("request header carrying the client certificate as URL-encoded PEM (nginx: $ssl_client_escaped_cert)"),
        trustedProxies: z.array(z.string()).describe('TCP peer addresses whose header is believed; from any other peer it is ignored (and logged)'),
      })
      .describe('the proxy mode\'s header'),
    ticketSeconds: z.number().int().min(10).max(600).describe('lifetime of the single-use ticket that carries a login from the main host to the client-certificate host and back'),
    presentationsPerIpPerHour: z.number().int().min(1).describe('certificate presentations (each a validation with OCSP/CRL calls) per IP address and hour on the client-certificate host'),
    registerUnknownPersons: z.boolean().describe('register a person the registry does not know from their certificate, at advanced level; false: refuse them'),
  })
  .describe('certificate and eID-card connector');

const pkiProfilesSchema = z
  .object({
    publicEmployeePolicyOids: z.array(z.string().regex(/^\d+(\.\d+)+$/)).describe('certificate policy OIDs of the public-employee profile (default: the Spanish AGE empleado público high and medium levels)'),
    issuers: z
      .array(
        z
          .object({
            issuerContains: z.string().min(1).optional().describe('case-insensitive substring of the issuer DN'),
            issuerSki: z.string().regex(/^[0-9A-Fa-f:]+$/).optional().describe("the issuer's subject key identifier (hex), matched against the certificate's authority key identifier"),
            documentFrom: z.enum(['serialNumber', 'cn-nif']).describe("where the DNI/NIE is: the subject serialNumber (IDCES-…, TINES-… or bare) or the CN's \"NIF …\""),
            namesFrom: z.enum(['givenName-surname', 'dnie-cn']).describe('where the names are: givenName + surname, or the DNIe CN "SURNAMES, NAME (…)"'),
          })
          .refine((p) => !!p.issuerContains !== !!p.issuerSki, 'exactly one of issuerContains and issuerSki'),
      )
      .describe('subject profiles per issuer, first match; others: serialNumber + givenName/surname, names from the DNIe CN when absent'),
  })
  .describe('reading a certificate: profiles and holder identity');

const eidasConnectorSchema = z
  .object({
    spType: z.enum(['public', 'private']).describe('eidas:SPType of the services behind this broker'),
    spTypeIn: z.enum(['metadata', 'request']).describe('where eidas:SPType is stated: our connector metadata or each AuthnRequest (never both)'),
    nodeCountry: z.string().regex(/^[A-Z]{2}$/).describe('our country: eidas:NodeCountry in our metadata and the second part of every PersonIdentifier we accept'),
    requesterId: z.boolean().describe('send Scoping/RequesterID with the SP\'s entityID'),
    providerName: z.string().min(1).describe('ProviderName of our AuthnRequests'),
    metadataValidityHours: z.number().int().min(1).max(168).describe('validUntil of our connector metadata, from now'),
    requestSignatureAlgorithm: eidasOwnSignatureAlgorithm.describe('signature algorithm of our AuthnRequests and metadata (RSA keys ≥ 3072 bits; an EC key always signs with ECDSA)'),
    metadataSigningKeyFile: z.string().optional().describe('PEM private key that signs our connector metadata; absent: a development key under varDir/<keys.dir>/eidas-metadata.*'),
    metadataSigningCertFile: z.string().optional().describe('PEM certificate of metadataSigningKeyFile'),
    requestSigningKeyFile: z.string().optional().describe('PEM private key that signs our AuthnRequests; absent: a development key under varDir/<keys.dir>/eidas-request.*'),
    requestSigningCertFile: z.string().optional().describe('PEM certificate of requestSigningKeyFile, published in our metadata'),
    encryptionKeyFile: z.string().optional().describe('PEM RSA private key (≥ 3072 bits; EC keys are refused: ECDH-ES key agreement is not supported) that decrypts the assertions of foreign nodes; absent: a development key under varDir/<keys.dir>/eidas-encryption.*'),
    encryptionCertFile: z.string().optional().describe('PEM certificate of encryptionKeyFile, published in our metadata'),
    previousEncryptionKeyFile: z.string().optional().describe('PEM RSA private key replaced by encryptionKeyFile (rollover): still tried on answers of nodes that have not re-read our metadata; remove once their caches have expired'),
    metadataFetchTimeoutMs: z.number().int().min(100).max(60000).describe('timeout of one fetch of a node\'s metadata URL'),
    metadataMaxBytes: z.number().int().min(1024).max(10_000_000).describe('largest node metadata accepted'),
    clockSkewSeconds: z.number().int().min(0).max(600).describe('accepted clock skew on Responses from foreign nodes'),
    countries: z.array(eidasCountrySchema).describe('foreign nodes, one per country, in the order of the country page; the connector is offered only when at least one is usable'),
  })
  .describe('cross-border eIDAS connector (issue 6): the broker as an eIDAS connector toward foreign proxy-service nodes');

export const configSchema = z
  .object({
    publicUrl: z.string().url().describe('external base URL of the broker; every URL and identifier derives from it'),
    port: z.number().int().min(0).max(65535).describe('TCP port to listen on'),
    host: z.string().describe('address to listen on'),
    trustProxy: z.array(z.string()).describe('proxy addresses whose X-Forwarded-* headers are believed; no others'),
    tls: z
      .object({
        certFile: z.string().nullable().optional().describe('PEM certificate chain served over HTTPS (absolute or relative to the project root); re-read on SIGHUP'),
        keyFile: z.string().nullable().optional().describe('PEM private key of certFile; re-read on SIGHUP'),
      })
      .describe('HTTPS served directly (TLS 1.2+, Mozilla intermediate ciphers) when both files are set; otherwise plain HTTP behind a proxy (trustProxy)'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).describe('pino log level'),
    varDir: z.string().describe('runtime data directory (embedded database, generated keys, outbox); relative to the project root'),
    database: z
      .object({
        url: z.string().optional().describe('PostgreSQL connection URL (DATABASE_URL); absent: embedded PGlite'),
        pgliteDir: z.string().describe('PGlite data directory, relative to varDir; "memory://" for an in-memory database'),
      })
      .describe('durable store'),
    ephemeral: z
      .object({
        redisUrl: z.string().optional().describe('Redis URL (REDIS_URL); absent: the in-memory store of this process'),
        keyPrefix: z.string().describe('prefix of every Redis key, so several brokers can share a Redis'),
      })
      .describe('ephemeral store'),
    keys: z
      .object({
        dir: z.string().describe('directory of the signing key and certificate, relative to varDir; generated on first start when empty'),
        signingKeyFile: z.string().optional().describe('PEM private key file (absolute or relative to the project root); overrides dir'),
        signingCertFile: z.string().optional().describe('PEM certificate of signingKeyFile'),
        nextSigningCertFile: z.string().optional().describe('PEM certificate of the next signing key, published in metadata for rollover'),
        pseudonymSecrets: z
          .array(z.object({ version: z.number().int().min(1).describe('version of this secret; stored with each pseudonym it made'), secret: z.string().min(16).describe('the secret') }))
          .min(1)
          .describe('versioned secrets of the persistent-NameID keyed hash; the highest version creates new pseudonyms, older versions keep existing ones'),
        credentialSecrets: z
          .array(z.object({ version: z.number().int().min(1).describe('version of this secret; stored with each value it sealed'), secret: z.string().min(32).describe('the secret') }))
          .min(1)
          .describe('versioned secrets that encrypt credential secrets at rest (authenticator-app seeds); the highest version seals new values, older versions still open old ones'),
      })
      .describe('key material'),
    saml: z
      .object({
        signatureAlgorithm: signatureAlgorithm.describe('default signature algorithm of our messages'),
        clockSkewSeconds: z.number().int().min(0).max(600).describe('accepted clock skew on incoming messages'),
        assertionLifetimeSeconds: z.number().int().min(30).max(3600).describe('NotOnOrAfter of our assertions, from now'),
        maxMessageBytes: z.number().int().min(1024).describe('largest decoded SAML message accepted'),
        metadataValidDays: z.number().int().min(1).max(365).describe('validUntil of our metadata, from now'),
        metadataCacheDuration: z.string().regex(/^P/).describe('cacheDuration of our metadata (xs:duration)'),
      })
      .describe('SAML identity provider'),
    sps: z
      .object({
        metadataDirs: z.array(z.string()).describe('directories of trusted SP metadata files (*.xml), relative to the project root'),
        metadataUrls: z
          .array(
            z.object({
              url: z.string().url().describe('metadata URL'),
              signingCertFile: z.string().optional().describe('certificate that must have signed this metadata'),
              refreshSeconds: z.number().int().min(60).default(3600).describe('seconds between fetches'),
            }),
          )
          .describe('SP metadata fetched over HTTP(S) and refreshed'),
        policies: z.record(z.string(), spPolicySchema).describe('policy per SP entityID'),
        defaultPolicy: spPolicySchema.describe('policy of an SP without an entry'),
      })
      .describe('service providers'),
    loa: z
      .object({
        methodRungs: z.record(methodId, methodRungs).describe('rung per method and registration level (design.md table)'),
      })
      .describe('levels of assurance'),
    flow: z
      .object({
        transactionTtlSeconds: z.number().int().min(60).describe('lifetime of a LoginTransaction'),
        ssoIdleSeconds: z.number().int().min(60).describe('broker SSO session idle lifetime'),
        ssoAbsoluteSeconds: z.number().int().min(60).describe('broker SSO session absolute lifetime'),
        personCacheSeconds: z.number().int().min(0).max(300).describe('how long a node may reuse a person read for an assertion from an SSO session (0: always read); status changes reach such assertions within this time'),
        cookieSecure: z.enum(['auto', 'always', 'never']).describe('Secure flag of cookies; auto: when publicUrl is https. Plain http (development) cannot use SameSite=None, so cookies fall back to Lax there'),
      })
      .describe('login flow and sessions'),
    connectors: z
      .object({
        enabled: z.array(methodId).describe('connector ids offered on the selector, in this order'),
        pin: z
          .object({
            validitySeconds: z.number().int().min(60).max(3600).describe('how long a PIN is valid (seed: 10 minutes)'),
            maxAttempts: z.number().int().min(1).max(10).describe('wrong entries that void a PIN (seed: 5)'),
            requestsPerPersonPerHour: z.number().int().min(1).describe('PIN requests per person and hour'),
            requestsPerIpPerHour: z.number().int().min(1).describe('PIN requests per IP address and hour'),
          })
          .describe('Cl@ve PIN connector'),
        permanente: z
          .object({
            argon2: z
              .object({
                memoryKiB: z.number().int().min(8192).describe('argon2id memory cost in KiB (OWASP: 19456 = 19 MiB)'),
                iterations: z.number().int().min(1).describe('argon2id time cost (OWASP: 2)'),
                parallelism: z.number().int().min(1).max(16).describe('argon2id lanes (OWASP: 1)'),
              })
              .describe('password hashing parameters; hashes made with other parameters are upgraded at the next successful login'),
            hashingConcurrency: z.number().int().min(1).max(64).describe('password hashes computed at once on the worker pool; each holds memoryKiB of memory'),
            hashingQueueLimit: z.number().int().min(0).describe('password checks that may wait for the pool; beyond it the broker answers 503 instead of queueing without bound'),
            maxFailedAttempts: z.number().int().min(1).max(20).describe('consecutive wrong passwords that block the password (seed: 5)'),
            passwordMaxAgeDays: z.number().int().min(1).describe('days after which a password must be changed at the next login (seed: 2 years)'),
            passwordHistory: z.number().int().min(1).max(24).describe('earlier passwords a new password must differ from (seed: the previous one)'),
            passwordPolicy: z
              .object({
                minLength: z.number().int().min(8).max(64).describe('shortest password (seed: 8)'),
                maxLength: z.number().int().min(16).max(1024).describe('longest password accepted'),
                classRule: z.enum(['each', 'three']).describe('character classes required below noClassRuleFrom: one of each of the four groups (seed 5.5) or of three (seed 5.7.3)'),
                noClassRuleFrom: z.number().int().min(8).max(128).describe('from this length on no character-class rule applies (seed: 16)'),
              })
              .describe('password rules'),
            secondFactors: z.array(z.enum(['sms', 'totp', 'email'])).min(1).describe('second factors of the reinforced mode this broker offers; an SP policy may narrow them'),
            codeValiditySeconds: z.number().int().min(60).max(3600).describe('validity of a one-time code sent by SMS or e-mail'),
            codeMaxAttempts: z.number().int().min(1).max(10).describe('wrong entries that void a one-time code'),
            codesPerPersonPerHour: z.number().int().min(1).describe('one-time codes sent per person and hour'),
            codesPerIpPerHour: z.number().int().min(1).describe('one-time codes sent per IP address and hour'),
            passwordChecksPerIpPerHour: z.number().int().min(1).describe('password and activation-code checks per IP address and hour (spraying across many persons)'),
            activationMaxWrongCodes: z.number().int().min(1).max(20).describe('wrong activation codes accepted before the code is blocked (seed: more than 5 blocks it)'),
            antiAutomationBits: z.number().int().min(0).max(26).describe('proof-of-work difficulty of the activation and forgotten-password forms (0: off)'),
            accountSessionSeconds: z.number().int().min(60).max(3600).describe('lifetime of a password-management session'),
            totpIssuer: z.string().min(1).max(40).describe('issuer name shown by authenticator apps'),
          })
          .describe('Cl@ve Permanente connector'),
        movil: z
          .object({
            requestValiditySeconds: z.number().int().min(60).max(900).describe('how long a Cl@ve Móvil login request waits for the app (issue 4: 5 minutes)'),
            requestsPerPersonPerHour: z.number().int().min(1).describe('login requests pushed to one DNI/NIE per hour (against push-bombing)'),
            requestsPerIpPerHour: z.number().int().min(1).describe('login requests (QR or push) started from one IP address per hour'),
            refusalsBeforeCooldown: z.number().int().min(1).max(10).describe('refusals in the app after which the person gets no new request for cooldownSeconds'),
            cooldownSeconds: z.number().int().min(60).describe('the pause after refusalsBeforeCooldown refusals; also the window in which refusals are counted'),
            maxWaitingBrowsers: z.number().int().min(1).describe('browsers one node keeps waiting on server-sent events; beyond it the node answers 503 and the page falls back to polling'),
          })
          .describe('Cl@ve Móvil connector'),
        eidas: eidasConnectorSchema,
        certificate: certificateConnectorSchema,
      })
      .describe('connectors'),
    notify: z
      .object({
        transport: z.enum(['outbox', 'http']).describe('outbox: JSON lines under varDir/outbox (development only); http: the production gateway'),
        outboxDir: z.string().describe('outbox directory, relative to varDir'),
        http: z
          .object({
            url: z.string().url().optional().describe('gateway endpoint; POSTs {channel,to,subject?,text}'),
            token: z.string().optional().describe('bearer token for the gateway'),
            timeoutMs: z.number().int().min(100).describe('timeout of one attempt'),
            retries: z.number().int().min(0).max(5).describe('retries after a failed attempt'),
          })
          .describe('HTTP gateway transport'),
        push: z
          .object({
            webhookTimeoutMs: z.number().int().min(100).max(30000).describe("timeout of one POST to a device's webhook (redirects are not followed)"),
            smsFallbackSeconds: z.number().int().min(1).max(600).describe('a code pushed to the Cl@ve app is also sent by SMS when the app has not fetched it within this time (seed 000 §4.1.1: 60 s)'),
          })
          .describe('pushes to the Cl@ve app and the SMS fallback of codes'),
      })
      .describe('delivery of codes'),
    devices: z
      .object({
        clockSkewSeconds: z.number().int().min(5).max(600).describe("how far a signed app call's X-Timestamp may be from the broker's clock; its nonce is remembered twice as long"),
        activationCodeValiditySeconds: z.number().int().min(60).max(86400).describe('validity of an app activation code sent by SMS (10 minutes)'),
        registrarCodeValiditySeconds: z.number().int().min(60).max(604800).describe('validity of an app activation code issued by a registrar (`pasarela registrar device-activation`)'),
        activationCodeMaxAttempts: z.number().int().min(1).max(10).describe('wrong entries that void an activation code (5)'),
        activationRequestsPerPersonPerHour: z.number().int().min(1).describe('activation codes sent by SMS per person and hour'),
        activationRequestsPerIpPerHour: z.number().int().min(1).describe('activation-code requests and entries per IP address and hour'),
        inboxTtlSeconds: z.number().int().min(60).max(86400).describe("how long a message waits in a device's inbox for the app to fetch it"),
        inboxMaxMessages: z.number().int().min(1).max(200).describe("messages kept per device inbox; older ones make room for newer ones"),
      })
      .describe('Cl@ve app devices and the app API (/api/app/v1)'),
    api: z
      .object({
        registrarToken: z.string().min(24).optional().describe('bearer token of the registrar API (REGISTRAR_TOKEN); absent: the API is off'),
        auditToken: z.string().min(24).optional().describe('bearer token of the read-only audit log API that `pasarela audit export --broker` uses (AUDIT_TOKEN); absent: the API is off'),
        operatorToken: z.string().min(24).optional().describe('bearer token of the operator part of the management API: organisations, approval of members, the service catalogue (OPERATOR_TOKEN); absent: that part is off'),
      })
      .describe('management APIs'),
    retention: z
      .object({
        auditDays: z.number().int().min(1).describe('days the audit log keeps an entry; older entries are deleted (design.md "Personal data": 12 months by default)'),
        loginHistoryDays: z.number().int().min(1).describe('days the login history keeps an entry; older entries are deleted'),
        renouncedPersonDays: z.number().int().min(1).describe('days the registration data of a person who renounced are kept (from the renunciation); then the person and their credentials are deleted'),
        purgeIntervalMinutes: z.number().int().min(0).describe('minutes between purges of expired entries, the first shortly after start; 0: no purge from this broker'),
      })
      .describe('retention of personal data'),
    videoIdentification: z
      .object({
        enabled: z.boolean().describe('offer registration by video interview (seed 002) at /register/video and the interviewer console at /staff/video'),
        meetingLink: z.string().url().describe('address of the video call of an interview (the call itself is another product); {request} is replaced by the request id'),
        timeZone: z.string().min(1).describe('IANA time zone of the office: slots are typed and shown in it, and working days are its Monday to Friday'),
        answerWorkingDays: z.number().int().min(1).max(20).describe('working days the office has to propose a slot; a request still unanswered then lapses and the person is invited to ask again (seed 002: 3)'),
        reminderHours: z.number().int().min(1).max(168).describe('hours before the interview the reminder e-mail with the meeting link is sent (seed 002: 24)'),
        securityCodeMaxWrong: z.number().int().min(1).max(20).describe('wrong personal security codes typed on a request before its link stops working (the person then asks again)'),
        activationMaxWrong: z.number().int().min(1).max(20).describe('wrong activation codes typed on an activation link before it stops working'),
        activationValidityDays: z.number().int().min(1).max(90).describe('days the activation link and code stay valid after approval'),
        documentMaxBytes: z.number().int().min(1024).describe('largest identity document copy accepted per side (seed 002 channel: 5 MB)'),
        documentRetentionDays: z.number().int().min(0).describe('days the identity document copies are kept after the decision, then deleted'),
        requestRetentionDays: z.number().int().min(1).describe('days a finished request (refused, cancelled, lapsed, activated or unused) keeps its personal data, then it is deleted'),
        requestsPerIpPerHour: z.number().int().min(1).describe('new requests per IP address and hour'),
        jobIntervalMinutes: z.number().int().min(0).describe('minutes between runs of the job that sends reminders, lapses unanswered requests and deletes expired copies; 0: not on its own'),
      })
      .describe('registration by video identification (seed 002)'),
    seedFile: z.string().nullable().optional().describe('JSON file of persons added at start when absent (demo data); relative to the project root'),
    registration: z.object({ letter: letterChannelSchema }).describe('registration channels (issue 9)'),
    pki: z
      .object({
        profiles: pkiProfilesSchema,
        trustedLists: z
          .array(
            z.object({
              source: z.string().min(1).describe('the list (ETSI TS 119 612 XML): a path relative to the project root, e.g. metadata/tsl/ES.xml, or an http(s) URL (its signature, not the transport, makes it trusted; redirects are refused)'),
              signerCertFile: z.string().min(1).describe("PEM certificate of the list's scheme operator, the only key its XAdES signature is verified with; relative to the project root"),
            }),
          )
          .describe('trusted lists whose granted CA/QC services anchor client certificates; a list that fails to load or verify is absent (its certificates are refused)'),
        trustedListRefreshMinutes: z.number().int().min(1).describe('minutes between re-reads of every trusted list; a list that then fails keeps its last good version'),
        trustedListGraceHours: z.number().int().min(0).max(168).default(24).describe('hours a trusted list past its NextUpdate is still used (a /readyz warning meanwhile); after that its CAs anchor nothing until a fresh list is read'),
        fetchTimeoutMs: z.number().int().min(100).describe('timeout in milliseconds of each fetch of a trusted list by URL, headers and body together (OCSP and CRLs: pki.revocation.timeoutMs)'),
        trustedListMaxBytes: z.number().int().min(1024).describe('largest trusted list read, in bytes (national lists are 1–5 MB)'),
        revocation: z
          .object({
            policy: z.enum(['ocsp-then-crl', 'ocsp', 'crl']).describe("where revocation is asked: the certificate's OCSP responder, then its CRL when OCSP gives no answer (never when OCSP says revoked); or only one of them"),
            failClosed: z.boolean().describe('refuse a certificate whose revocation status cannot be established (no fresh, authentic answer within the timeout); false lets it through with a warning in the log'),
            timeoutMs: z.number().int().min(100).max(30_000).describe('hard timeout in milliseconds of each OCSP or CRL request (with ocsp-then-crl a check can take twice this)'),
            ocspNonce: z.enum(['required', 'if-present']).describe('required: an OCSP answer must echo our nonce (replays refused); if-present: an answer without a nonce is accepted when fresh by its thisUpdate/nextUpdate (CDN-cached responders)'),
            ocspUrl: z.string().url().nullable().describe("OCSP responder asked for every certificate instead of the URL in the certificate's Authority Information Access; null uses the certificate's"),
            crlMaxBytes: z.number().int().min(1024).describe('largest CRL read, in bytes; a larger one is not read and counts as no answer'),
            clockSkewSeconds: z.number().int().min(0).max(600).describe("tolerance in seconds when comparing an OCSP answer's or CRL's thisUpdate and nextUpdate with our clock"),
          })
          .describe('revocation checking of client certificates (OCSP, CRL)'),
      })
      .describe('certificates: trusted lists, path validation, revocation, profiles (broker/pki)'),
    mandates: z
      .object({
        timeZone: z.string().min(1).describe('IANA time zone in which mandate and membership dates are days (start, end, "tomorrow")'),
        maxYears: z.number().int().min(1).max(10).describe('a mandate or chain mandate ends at most this many years after today (seed 004: 5)'),
        defaultYears: z.number().int().min(1).max(10).describe('duration of a mandate granted without an end date'),
        endingSoonMonths: z.number().int().min(1).max(12).describe('a mandate ending within this many months is flagged as extendable (seed 004: 2)'),
        activationDays: z.number().int().min(1).max(365).describe('days an approved member has to activate (seed 004: 30)'),
        chainMinimumRung: rung.describe('rung an acting member of the intermediary must reach, and the administrators granting or receiving chain mandates must hold, for chain mandates'),
        adminMinimumRung: rung.describe('rung an administrator must reach at login to use the management module (seed 004: 2+)'),
        documentMaxBytes: z.number().int().min(1024).describe('largest identity document copy accepted (seed 004: 5 MB)'),
        documentRetentionDays: z.number().int().min(0).describe('days after approval (or rejection) the copies of identity documents are deleted'),
        catalogueCacheSeconds: z.number().int().min(0).max(3600).describe('how long a node reuses a service catalogue read for an AuthnRequest (0: always read); a new or changed service reaches logins within this time'),
        actingSubjectQualifier: z.string().min(1).optional().describe('NameQualifier of urn:etoegang:core:ActingSubjectID; default the broker entityID'),
        seedFile: z.string().nullable().optional().describe('JSON file of organisations, services, members and mandates added at start when absent (demo data); relative to the project root'),
      })
      .describe('organisations, members, mandates and chain mandates (issue 7, seed 004)'),
    admin: z
      .object({
        sessionIdleSeconds: z.number().int().min(60).describe('management session idle lifetime'),
        sessionAbsoluteSeconds: z.number().int().min(300).describe('management session absolute lifetime'),
        spSigningKeyFile: z.string().optional().describe("PEM private key of the management module's own SP, which signs its AuthnRequests to the broker; absent: a development key pair under varDir/<keys.dir>/admin-sp.* generated on first start"),
        spSigningCertFile: z.string().optional().describe('PEM certificate of admin.spSigningKeyFile, published in that SP\'s metadata'),
      })
      .describe('the management module: administrators log in through the broker itself'),
    staff: z
      .object({
        minimumRung: z.enum(['3', '4']).describe('rung a member of staff (registrar, interviewer, official) must reach at login to open a staff console; never below 3, as the registrations staff make are advanced'),
        timeZone: z.string().min(1).describe("IANA time zone of the offices' day: who is a minor (under 18), whether a document has expired, the date on the printed activation code"),
        sessionIdleSeconds: z.number().int().min(60).describe('staff console session idle lifetime'),
        sessionAbsoluteSeconds: z.number().int().min(300).describe('staff console session absolute lifetime'),
      })
      .describe('staff consoles under /staff (registration office, video identification): staff log in through the broker itself, with the management SP\'s key pair'),
  })
  .describe('Pasarela configuration');

export type Config = z.infer<typeof configSchema>;

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isPlainObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge where arrays and scalars of `over` replace those of `base`. */
export function deepMerge(base: Json, over: Json): Json {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, Json> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? deepMerge(base[k] as Json, v) : v;
  return out;
}

/** An environment variable that overrides one key; the loader and docs/config.md both read this table. */
export interface EnvVariable {
  readonly name: string;
  readonly path: readonly string[];
  readonly parse: (value: string) => Json;
  /** how the value is read, when it is not taken as it is */
  readonly note?: string;
}

const asIs = (v: string): Json => v;

export const ENV_VARIABLES: readonly EnvVariable[] = [
  { name: 'PORT', path: ['port'], parse: Number, note: 'a number' },
  { name: 'HOST', path: ['host'], parse: asIs },
  { name: 'PUBLIC_URL', path: ['publicUrl'], parse: (v) => v.replace(/\/+$/, ''), note: 'trailing slashes removed' },
  { name: 'TRUST_PROXY', path: ['trustProxy'], parse: (v) => v.split(',').map((s) => s.trim()).filter(Boolean), note: 'comma-separated' },
  { name: 'TLS_CERT_FILE', path: ['tls', 'certFile'], parse: asIs },
  { name: 'TLS_KEY_FILE', path: ['tls', 'keyFile'], parse: asIs },
  { name: 'LOG_LEVEL', path: ['logLevel'], parse: asIs },
  { name: 'VAR_DIR', path: ['varDir'], parse: asIs },
  { name: 'DATABASE_URL', path: ['database', 'url'], parse: asIs },
  { name: 'REDIS_URL', path: ['ephemeral', 'redisUrl'], parse: asIs },
  { name: 'CLIENT_TLS_PORT', path: ['connectors', 'certificate', 'clientTls', 'port'], parse: Number, note: 'a number' },
  { name: 'CLIENT_TLS_PUBLIC_URL', path: ['connectors', 'certificate', 'clientTls', 'publicUrl'], parse: (v) => v.replace(/\/+$/, ''), note: 'trailing slashes removed' },
  { name: 'NOTIFY_TRANSPORT', path: ['notify', 'transport'], parse: asIs },
  { name: 'NOTIFY_HTTP_URL', path: ['notify', 'http', 'url'], parse: asIs },
  { name: 'NOTIFY_HTTP_TOKEN', path: ['notify', 'http', 'token'], parse: asIs },
  { name: 'REGISTRAR_TOKEN', path: ['api', 'registrarToken'], parse: asIs },
  { name: 'AUDIT_TOKEN', path: ['api', 'auditToken'], parse: asIs },
  { name: 'OPERATOR_TOKEN', path: ['api', 'operatorToken'], parse: asIs },
  { name: 'PSEUDONYM_SECRET', path: ['keys', 'pseudonymSecrets'], parse: (v) => [{ version: 1, secret: v }], note: 'replaces the list with one secret, version 1' },
  { name: 'CREDENTIAL_SECRET', path: ['keys', 'credentialSecrets'], parse: (v) => [{ version: 1, secret: v }], note: 'replaces the list with one secret, version 1' },
];

function envOverrides(env: NodeJS.ProcessEnv): Json {
  const o: Record<string, Json> = {};
  for (const { name, path: p, parse } of ENV_VARIABLES) {
    const value = env[name];
    if (!value) continue; // an empty variable is unset, as a shell's `FOO=` usually means
    let cur: Record<string, Json> = o;
    for (const k of p.slice(0, -1)) cur = (cur[k] ??= {}) as Record<string, Json>;
    cur[p[p.length - 1]!] = parse(value);
  }
  return o;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function readYamlFile(file: string): Json {
  try {
    return (parseYaml(readFileSync(file, 'utf8')) ?? {}) as Json;
  } catch (err) {
    throw new ConfigError(`cannot read configuration ${file}: ${(err as Error).message}`);
  }
}

/** Validate a merged raw configuration; the message names every offending key. */
export function parseConfig(raw: unknown): Config {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const cfg = result.data;
  if (cfg.notify.transport === 'http' && !cfg.notify.http.url) throw new ConfigError('invalid configuration:\n  notify.http.url: required when notify.transport is http');
  const certificate = cfg.connectors.certificate;
  if (certificate.mode === 'proxy') {
    const proxies = certificate.proxyHeader.trustedProxies;
    if (proxies.length === 0) throw new ConfigError('invalid configuration:\n  connectors.certificate.proxyHeader.trustedProxies: required (at least one address) when connectors.certificate.mode is proxy');
    const untrusted = proxiesNotTrusted(cfg.trustProxy, proxies);
    if (untrusted.length > 0) throw new ConfigError(`invalid configuration:\n  trustProxy: must trust every connectors.certificate.proxyHeader.trustedProxies address (missing ${untrusted.join(', ')}), or rate limits and audit addresses see the proxy instead of the person`);
  }
  if (!cfg.tls.certFile !== !cfg.tls.keyFile) throw new ConfigError(`invalid configuration:\n  tls.${cfg.tls.certFile ? 'keyFile' : 'certFile'}: required when tls.${cfg.tls.certFile ? 'certFile' : 'keyFile'} is set (HTTPS needs both; neither serves plain HTTP)`);
  return cfg;
}

/**
 * Load the configuration: config/default.yaml, then PASARELA_CONFIG, then `overrides` (tests),
 * then the environment.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Json = {}): Config {
  let raw = readYamlFile(path.join(PROJECT_ROOT, 'config', 'default.yaml'));
  if (env.PASARELA_CONFIG) raw = deepMerge(raw, readYamlFile(path.resolve(env.PASARELA_CONFIG)));
  raw = deepMerge(raw, overrides);
  raw = deepMerge(raw, envOverrides(env));
  return parseConfig(raw);
}

/** Absolute path of a directory under varDir. */
export function varPath(cfg: Config, ...parts: string[]): string {
  return path.resolve(PROJECT_ROOT, cfg.varDir, ...parts);
}

export function policyFor(cfg: Config, entityID: string): SpPolicy {
  return cfg.sps.policies[entityID] ?? cfg.sps.defaultPolicy;
}
