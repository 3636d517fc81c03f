// Certificate and eID-card connector (seed 000 §1.4.3, §1.5.3; issue 5). The certificate is
// presented on a host of its own (broker/pki/client-host/: the broker's client-certificate
// listener, or a TLS-terminating proxy's header) and validated there against the trusted lists;
// this connector's pages on the main host send the browser there with a single-use ticket bound
// to the login, and take the outcome back only in the browser that holds the login (its binding
// cookie) with the proof that came with the redirect. The person is the registry's, found by the
// certificate's DNI/NIE, or registered from it at advanced level when configured
// (connectors.certificate.registerUnknownPersons) after typing the document's contrast data.
// Rung: the method table's 'certificate-qualified-device' row for a qualified device (DNIe, eID
// card: rung 4), 'certificate' otherwise (rung 3). Certificate logins may represent organisations.
import express, { type Request, type Response, type Router } from 'express';
import type { Connector, ConnectorContext, ConnectorFactory } from '../connector.js';
import type { Config } from '../../broker/config.js';
import { rungIndex, type LoaRung } from '../../broker/loa.js';
import type { LoginTransaction } from '../../broker/flow/login-transaction.js';
import type { CertificateHolder } from '../../broker/pki/model.js';
import { documentTypeOf, isIsoDate, isValidSupportNumber } from '../../broker/identity/documents.js';
import { IdentityError } from '../../broker/identity/registry-db.js';
import { certificateTicketsFor } from '../../broker/pki/client-host/tickets.js';
import { clientHostUrl } from '../../broker/pki/client-host/url.js';
import { renderRefused, renderRegister, renderRejected, renderStart } from './pages.js';

export const METHOD_SOFTWARE = 'certificate';
export const METHOD_QUALIFIED_DEVICE = 'certificate-qualified-device';

function highestOf(cfg: Config, method: string): LoaRung | undefined {
  const rungs = cfg.loa.methodRungs[method];
  return [rungs?.basic, rungs?.advanced].filter((r): r is LoaRung => !!r).sort((a, b) => rungIndex(b) - rungIndex(a))[0];
}

/** rung 4 when a qualified device is in the method table, else the software certificate's rung */
function reachable(cfg: Config): LoaRung | undefined {
  return [highestOf(cfg, METHOD_QUALIFIED_DEVICE), highestOf(cfg, METHOD_SOFTWARE)].filter((r): r is LoaRung => !!r).sort((a, b) => rungIndex(b) - rungIndex(a))[0];
}

const query = (req: Request, name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string) : '');

/** what the registration form needs between its two requests, kept in the transaction */
interface PendingRegistration {
  readonly holder: CertificateHolder;
  readonly method: string;
  readonly issuer: string;
  readonly serialNumber: string;
}

const field = (body: unknown, name: string) => {
  const v = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v.trim() : '';
};

function mountCertificate(router: Router, ctx: ConnectorContext): void {
  const cfg = ctx.config;
  const tickets = certificateTicketsFor(cfg, ctx.ephemeral);
  const presentUrl = `${clientHostUrl(cfg)}/certificate/present`;
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });

  /** the broker caps the rung by registration and refuses a suspended or renounced person */
  async function finishAs(req: Request, res: Response, tx: LoginTransaction, personId: string, method: string): Promise<void> {
    const loa = highestOf(cfg, method);
    if (!loa) throw new TypeError(`loa.methodRungs.${method} offers no rung`);
    await ctx.finish(req, res, tx, { subject: { personId }, method, loa, authnInstant: ctx.now() });
  }

  router.get('/:tx', async (req, res) => {
    const tx = await ctx.loadTransaction(req);
    const ticket = await tickets.issue({ tx: tx.id, returnPath: `/connectors/certificate/${tx.id}/return` });
    renderStart(ctx.pages, req, res, tx, `${presentUrl}?ticket=${ticket}`);
  });

  router.get('/:tx/return', async (req, res) => {
    // the binding cookie first: a ticket brought by another browser is refused before it is spent
    const tx = await ctx.loadTransaction(req);
    const taken = await tickets.take(query(req, 'ticket'), query(req, 'proof'));
    if (!taken || taken.ticket.tx !== tx.id) {
      renderRefused(ctx.pages, req, res, tx, 'certificate.ticket.invalid', 400);
      return;
    }
    const { outcome } = taken;
    if ('rejected' in outcome) {
      renderRejected(ctx.pages, req, res, tx, outcome.rejected.category);
      return;
    }
    const { accepted } = outcome;
    const method = accepted.qualifiedDevice ? METHOD_QUALIFIED_DEVICE : METHOD_SOFTWARE;
    const person = await ctx.identity.findByDocument(accepted.holder.documentNumber);
    // the certificate proves who is there, so unlike the PIN and password forms (uniform answers)
    // the page may say why: a renounced or suspended registration logs in nowhere
    if (person && person.status !== 'active') {
      await ctx.audit.record({ actor: 'certificate', action: 'certificate.login-refused', subject: person.id, ip: req.ip, detail: { reason: person.status, issuer: accepted.issuer, serialNumber: accepted.serialNumber } });
      renderRefused(ctx.pages, req, res, tx, 'certificate.inactivePerson', 403);
      return;
    }
    if (person) {
      await ctx.audit.record({ actor: 'certificate', action: 'certificate.login', subject: person.id, ip: req.ip, detail: { method, profile: accepted.profile, issuer: accepted.issuer, serialNumber: accepted.serialNumber, territory: accepted.territory } });
      await finishAs(req, res, tx, person.id, method);
      return;
    }
    if (!cfg.connectors.certificate.registerUnknownPersons) {
      await ctx.audit.record({ actor: 'certificate', action: 'certificate.login-refused', ip: req.ip, detail: { reason: 'unknown-person', issuer: accepted.issuer, serialNumber: accepted.serialNumber } });
      renderRefused(ctx.pages, req, res, tx, 'certificate.unknownPerson', 403);
      return;
    }
    const pending: PendingRegistration = { holder: accepted.holder, method, issuer: accepted.issuer, serialNumber: accepted.serialNumber };
    const saved = await ctx.saveState(tx, 'certificate', { pending });
    renderRegister(ctx.pages, req, res, saved, accepted.holder);
  });

  // Registration with a qualified certificate is an advanced-level channel (seed 000 §1.5.3); the
  // registry keeps the DNI's validity date or the NIE's support number for the PIN and Móvil
  // forms, which no certificate carries, so the person types it once here.
  router.post('/:tx/register', form, async (req, res) => {
    const tx = await ctx.loadTransaction(req);
    ctx.checkCsrf(tx, req.body);
    const pending = (tx.connectorState.certificate as { pending?: PendingRegistration } | undefined)?.pending;
    if (!pending) {
      renderRefused(ctx.pages, req, res, tx, 'certificate.ticket.invalid', 400);
      return;
    }
    const { holder } = pending;
    const isNie = documentTypeOf(holder.documentNumber) === 'NIE';
    const documentDate = field(req.body, 'documentDate');
    const supportNumber = field(req.body, 'supportNumber');
    const contrastValid = isNie ? isValidSupportNumber(supportNumber) : isIsoDate(documentDate);
    if (!contrastValid) {
      renderRegister(ctx.pages, req, res, tx, holder, 'certificate.register.invalid');
      return;
    }
    let person = await ctx.identity.findByDocument(holder.documentNumber);
    if (!person) {
      try {
        person = await ctx.identity.add({
          documentNumber: holder.documentNumber,
          ...(isNie ? { supportNumber } : { documentDate }),
          givenName: holder.givenName,
          firstSurname: holder.firstSurname,
          ...(holder.secondSurname ? { secondSurname: holder.secondSurname } : {}),
          registrationLevel: 'advanced',
        });
      } catch (err) {
        // what the registry refuses (a name it cannot keep, the same document registered a moment ago)
        if (!(err instanceof IdentityError)) throw err;
        ctx.log.warn({ tx: tx.id, code: err.code }, 'registration from a certificate refused by the registry');
        renderRegister(ctx.pages, req, res, tx, holder, 'certificate.register.invalid');
        return;
      }
      await ctx.audit.record({ actor: 'certificate', action: 'person.registered', subject: person.id, ip: req.ip, detail: { channel: 'certificate', level: 'advanced', issuer: pending.issuer, serialNumber: pending.serialNumber } });
    }
    const cleared = await ctx.saveState(tx, 'certificate', {});
    await ctx.audit.record({ actor: 'certificate', action: 'certificate.login', subject: person.id, ip: req.ip, detail: { method: pending.method, issuer: pending.issuer, serialNumber: pending.serialNumber } });
    await finishAs(req, res, cleared, person.id, pending.method);
  });
}

export const certificate: ConnectorFactory = {
  id: 'certificate',
  create(cfg: Config): Connector {
    return {
      id: 'certificate',
      labelKey: 'method.certificate',
      allowsRepresentation: true,
      reachableLoa: () => reachable(cfg),
      mount: mountCertificate,
    };
  },
};
