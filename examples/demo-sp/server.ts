// The demo service provider: what an SP developer in Node writes with passport and
// @node-saml/passport-saml. A person chooses the level of assurance, logs in through the broker,
// sees the NameID, the LoA reached and the attributes, and logs out (SP-initiated SLO).
import express from 'express';
import session from 'express-session';
import passport from 'passport';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { MultiSamlStrategy, SAML, ValidateInResponseTo, type CacheProvider, type Profile, type SamlConfig } from '@node-saml/passport-saml';
import { html } from '../../broker/web/html.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DEMO_SP_KEY = readFileSync(path.join(HERE, 'keys', 'demo-sp.key'), 'utf8');
export const DEMO_SP_CERT = readFileSync(path.join(HERE, 'keys', 'demo-sp.crt'), 'utf8');

const LOA_CHOICES: Record<string, { label: string; uri: string }> = {
  low: { label: 'low (eIDAS low)', uri: 'http://eidas.europa.eu/LoA/low' },
  substantial: { label: 'substantial (eIDAS substantial)', uri: 'http://eidas.europa.eu/LoA/substantial' },
  high: { label: 'high (eIDAS high)', uri: 'http://eidas.europa.eu/LoA/high' },
};

/**
 * The demo services in the broker's catalogue (config/demo-organisations.json), chosen by
 * AttributeConsumingServiceIndex as eHerkenning SPs do: the tax return accepts chain mandates.
 */
const SERVICE_CHOICES: Record<string, { label: string; index: string }> = {
  'tax-return': { label: 'Demo tax return (LoA 3, organisations and accountants may act)', index: '1' },
  permit: { label: 'Demo permit (LoA 2+, organisations may act)', index: '2' },
};

export interface DemoSpOptions {
  /** the demo SP's own base URL, e.g. http://localhost:8081 */
  readonly publicUrl: string;
  /** the broker's base URL (PUBLIC_URL of the broker) */
  readonly brokerUrl: string;
  /** the broker's signing certificate(s), PEM */
  readonly idpCert: string | string[];
  /** how the AuthnRequest travels to the broker; HTTP-Redirect when absent */
  readonly authnRequestBinding?: 'HTTP-Redirect' | 'HTTP-POST';
}

export interface DemoSp {
  readonly app: express.Express;
  readonly entityID: string;
  /** this SP's metadata, to be trusted by the broker */
  readonly metadataXml: string;
}

type SessionUser = { nameID: string; nameIDFormat: string; sessionIndex?: string; loa?: string; attributes: Record<string, string> };

/**
 * The request ids this SP is waiting for. MultiSamlStrategy builds a new SAML object per request,
 * and each would otherwise get its own empty in-memory cache, so no Response could ever match its
 * AuthnRequest (validateInResponseTo: always): one cache per demo SP, shared by all of them.
 */
function requestIdCache(ttlMs: number): CacheProvider {
  const items = new Map<string, { value: string; createdAt: number }>();
  const live = (key: string) => {
    const item = items.get(key);
    if (item && Date.now() - item.createdAt > ttlMs) items.delete(key);
    return items.get(key);
  };
  return {
    async saveAsync(key, value) {
      if (live(key)) return null;
      const item = { value, createdAt: Date.now() };
      items.set(key, item);
      return item;
    },
    async getAsync(key) {
      return live(key)?.value ?? null;
    },
    async removeAsync(key) {
      if (key === null) return null;
      const value = live(key)?.value ?? null;
      items.delete(key);
      return value;
    },
  };
}

const REQUEST_ID_TTL_MS = 15 * 60_000;

function samlConfig(opts: DemoSpOptions, loa: string | undefined, service: string | undefined, cacheProvider?: CacheProvider): SamlConfig {
  const choice = loa ? LOA_CHOICES[loa] : undefined;
  const serviceChoice = service ? SERVICE_CHOICES[service] : undefined;
  return {
    issuer: `${opts.publicUrl}/metadata`,
    callbackUrl: `${opts.publicUrl}/acs`,
    logoutCallbackUrl: `${opts.publicUrl}/slo`,
    entryPoint: `${opts.brokerUrl}/saml/sso`,
    logoutUrl: `${opts.brokerUrl}/saml/slo`,
    idpCert: opts.idpCert,
    idpIssuer: `${opts.brokerUrl}/saml/metadata`,
    privateKey: DEMO_SP_KEY,
    publicCert: DEMO_SP_CERT,
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'sha256',
    identifierFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: true,
    authnContext: choice ? [choice.uri] : ['http://eidas.europa.eu/LoA/low'],
    racComparison: 'minimum',
    validateInResponseTo: ValidateInResponseTo.always,
    requestIdExpirationPeriodMs: REQUEST_ID_TTL_MS,
    ...(cacheProvider ? { cacheProvider } : {}),
    ...(serviceChoice ? { attributeConsumingServiceIndex: serviceChoice.index } : {}),
    authnRequestBinding: opts.authnRequestBinding ?? 'HTTP-Redirect',
    // node-saml DEFLATEs HTTP-POST requests unless told not to; SAML bindings §3.5.4 (and the
    // broker) want them base64 only. The option also governs Redirect, which must stay deflated.
    skipRequestCompression: opts.authnRequestBinding === 'HTTP-POST',
    acceptedClockSkewMs: 5000,
  };
}

/**
 * An attribute value as text. node-saml hands over element content as parsed XML: the eHerkenning
 * identifiers (LegalSubjectID, ActingSubjectID) are a NameID, shown as "value (NameQualifier)".
 */
function attributeText(v: unknown): string {
  const nameID = (v as { NameID?: { _?: string; $?: { NameQualifier?: string } }[] } | null)?.NameID?.[0];
  if (!nameID) return String(v);
  const qualifier = nameID.$?.NameQualifier;
  return qualifier ? `${nameID._ ?? ''} (${qualifier})` : (nameID._ ?? '');
}

function toUser(profile: Profile): SessionUser {
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(profile.attributes ?? {})) attributes[k] = Array.isArray(v) ? v.map(attributeText).join(', ') : attributeText(v);
  const assertion = profile.getAssertion?.() as { Assertion?: { AuthnStatement?: { AuthnContext?: { AuthnContextClassRef?: { _: string }[] }[] }[] } } | undefined;
  const loa = assertion?.Assertion?.AuthnStatement?.[0]?.AuthnContext?.[0]?.AuthnContextClassRef?.[0]?._;
  return { nameID: profile.nameID, nameIDFormat: profile.nameIDFormat, sessionIndex: profile.sessionIndex, loa, attributes };
}

export function createDemoSp(opts: DemoSpOptions): DemoSp {
  const app = express();
  app.disable('x-powered-by');
  const entityID = `${opts.publicUrl}/metadata`;
  const metadataXml = new SAML(samlConfig(opts, undefined, undefined)).generateServiceProviderMetadata(null, DEMO_SP_CERT);
  const cache = requestIdCache(REQUEST_ID_TTL_MS);
  const strategy = new MultiSamlStrategy(
    {
      passReqToCallback: true,
      getSamlOptions(req, done) {
        // the login form posts the chosen LoA; other requests (ACS, SLO) do not need it
        const body = req.body as Record<string, unknown> | undefined;
        const loa = body?.loa;
        const service = body?.service;
        const config = samlConfig(opts, typeof loa === 'string' ? loa : undefined, typeof service === 'string' ? service : undefined, cache);
        // node-saml looks for InResponseTo on <Response> only, so with `always` every LogoutResponse
        // over HTTP-POST fails with "InResponseTo is missing from response" (node-saml/node-saml#331,
        // node-saml/passport-saml#438). `ifPresent` lets the signed LogoutResponse through; the
        // session is already ended locally before the LogoutRequest leaves (POST /logout).
        if (req.path === '/slo') config.validateInResponseTo = ValidateInResponseTo.ifPresent;
        done(null, config);
      },
    },
    (_req, profile, done) => {
      if (!profile) return done(new Error('no profile'));
      done(null, toUser(profile));
    },
    (_req, profile, done) => {
      done(null, profile ? toUser(profile) : undefined);
    },
  );
  const auth = new passport.Passport();
  // passport-saml bundles its own @types/express, so its Strategy type differs only nominally.
  auth.use('saml', strategy as unknown as passport.Strategy);
  auth.serializeUser((user, done) => done(null, user));
  auth.deserializeUser((user: Express.User, done) => done(null, user));

  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  // Demo only: the default in-memory session store; a real SP uses a shared store.
  app.use(session({ secret: 'demo-sp-only-not-a-secret', resave: false, saveUninitialized: false, cookie: { sameSite: 'lax', httpOnly: true } }));
  app.use(auth.initialize());
  app.use(auth.session());

  const page = (title: string, body: ReturnType<typeof html>) =>
    html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} · Demo service</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.3rem .6rem;text-align:left}</style></head>
<body><h1>${title}</h1>${body}</body></html>`.value;

  app.get('/', (req, res) => {
    const user = req.user as SessionUser | undefined;
    if (!user) {
      res.send(
        page(
          'Demo service',
          html`<p>This demo service provider logs you in through Pasarela.</p>
<form method="post" action="/login"><label for="loa">Level of assurance</label>
<select id="loa" name="loa">${Object.entries(LOA_CHOICES).map(([k, v]) => html`<option value="${k}">${v.label}</option>`)}</select>
<label for="service">Service</label>
<select id="service" name="service"><option value="">(the SP's default service)</option>${Object.entries(SERVICE_CHOICES).map(([k, v]) => html`<option value="${k}">${v.label}</option>`)}</select>
<button type="submit" id="login">Log in</button></form>`,
        ),
      );
      return;
    }
    res.send(
      page(
        'You are logged in',
        html`<dl><dt>NameID</dt><dd id="nameid">${user.nameID}</dd><dt>NameID format</dt><dd>${user.nameIDFormat}</dd><dt>LoA reached</dt><dd id="loa-reached">${user.loa ?? ''}</dd></dl>
<h2>Attributes</h2><table id="attributes"><tr><th>Name</th><th>Value</th></tr>${Object.entries(user.attributes).map(([k, v]) => html`<tr><td>${k}</td><td>${v}</td></tr>`)}</table>
<form method="post" action="/logout"><button type="submit" id="logout">Log out</button></form>`,
      ),
    );
  });
  app.post('/login', (req, res, next) => {
    // (express 5: req.query is a getter, so the choice stays in req.body for getSamlOptions)
    const body = (req.body ??= {}) as Record<string, unknown>;
    if (!(typeof body.loa === 'string' && body.loa in LOA_CHOICES)) body.loa = 'low';
    if (!(typeof body.service === 'string' && body.service in SERVICE_CHOICES)) delete body.service;
    auth.authenticate('saml', { failureRedirect: '/', failureMessage: true })(req, res, next);
  });
  app.post('/acs', auth.authenticate('saml', { failWithError: true }), (_req, res) => {
    res.redirect(303, '/');
  });
  app.post('/logout', (req, res, next) => {
    if (!req.user) {
      res.redirect(303, '/');
      return;
    }
    strategy.logout(req as unknown as Parameters<typeof strategy.logout>[0], (err, url) => {
      if (err || !url) return next(err ?? new Error('no logout URL'));
      req.logout(() => res.redirect(303, url));
    });
  });
  const slo = (req: express.Request, res: express.Response, next: express.NextFunction) =>
    auth.authenticate('saml', (err: Error | null) => {
      if (err) return next(err);
      req.logout(() => res.redirect(303, '/'));
    })(req, res, next);
  // A LogoutResponse (the answer to our own LogoutRequest) makes passport-saml call pass(): the
  // callback above is skipped and the request goes on to the next handler.
  const loggedOut = (req: express.Request, res: express.Response) => req.logout(() => res.redirect(303, '/'));
  app.get('/slo', slo, loggedOut);
  app.post('/slo', slo, loggedOut);
  app.get('/metadata', (_req, res) => {
    res.type('application/samlmetadata+xml').send(metadataXml);
  });
  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(400).send(page('Login failed', html`<p id="error">${err.message}</p><p><a href="/">Back</a></p>`));
  });
  return { app, entityID, metadataXml };
}

export function listen(app: express.Express, port: number, host = '127.0.0.1'): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => resolve(server));
    server.on('error', reject);
  });
}
