// The last step of a login: the Assertion for the waiting SP, built from the SSO session's
// authentication and the representation chosen (if any), sent by auto-submitting HTTP-POST form; the SSO session learns the SP (for
// logout) and the login history records the login.
import type { Request, Response } from 'express';
import type { BrokerServices } from '../services.js';
import { policyFor } from '../config.js';
import { BrokerError } from '../errors.js';
import { answerUri, assertableRung } from '../loa.js';
import { releaseAttributes } from '../saml/attributes.js';
import { buildSuccessResponse } from '../saml/build-response.js';
import { replyTargetOf, type LoginTransaction } from './login-transaction.js';
import type { SsoSession, SsoSessions } from './sso-session.js';
import type { TransactionStore } from './transaction-store.js';
import { randomId } from './random-id.js';
import { sendPostToSp } from './post-to-sp.js';
import { idpEntityID } from '../saml/addresses.js';
import { signingAlgorithmFor } from '../saml/signing-algorithm.js';
import { encryptIdentifierValues } from '../saml/encrypt-id.js';
import { releaseRepresentationAttributes } from '../mandates/attributes.js';
import { actingSubjectID } from '../mandates/acting-subject.js';
import { releasableUpstreamAttributes } from './upstream-attributes.js';
import type { RepresentationChoice } from '../mandates/model.js';

export interface HandBackDeps {
  readonly services: BrokerServices;
  readonly sessions: SsoSessions;
  readonly transactions: TransactionStore;
}

/** `representation`: the organisation the person chose to act for (flow/representation.ts); none: for themselves */
export async function handBack(deps: HandBackDeps, req: Request, res: Response, tx: LoginTransaction, session: SsoSession, representation?: RepresentationChoice): Promise<void> {
  const { services } = deps;
  const { config: cfg } = services;
  const replyTo = replyTargetOf(tx);
  const auth = session.authentication;
  const rung = assertableRung(auth.loa, tx.request.loa);
  if (!rung) throw new BrokerError('no-method-for-loa', 'the authentication does not reach the requested level', `session rung ${auth.loa}`, replyTo);
  const person = await services.persons.findById(auth.personId);
  if (!person || person.status !== 'active') throw new BrokerError('denied', 'the person cannot be identified', `person ${auth.personId} missing or inactive`, replyTo);
  const sp = services.spRegistry.get(tx.sp.entityID);
  if (!sp) throw new BrokerError('request-untrusted', 'the service is no longer registered', `sp ${tx.sp.entityID} gone from registry`);
  const policy = policyFor(cfg, sp.entityID);
  const now = services.now();

  const nameID = await services.nameIDs.nameIDFor(tx.request.nameIDFormat, person.id, sp.entityID);
  // One SessionIndex per SP and SSO session (core §2.7.2: it names the session, not the
  // assertion), so a second assertion to the same SP changes nothing that logout needs.
  const known = session.participants.find((p) => p.spEntityID === sp.entityID && p.nameID === nameID.value && p.nameIDFormat === nameID.format);
  const sessionIndex = known?.sessionIndex ?? `_${randomId()}`;
  const natural = releaseAttributes({
    person,
    method: auth.method,
    registrationLevel: auth.registrationLevel,
    relayState: tx.request.relayState,
    requested: tx.request.requestedAttributes,
    policy,
  });
  const acting = representation
    ? actingSubjectID(cfg, { personId: person.id, organisationId: representation.organisation.id, intermediaryId: representation.intermediary?.id ?? null, spEntityID: sp.entityID })
    : null;
  let attributes = releaseRepresentationAttributes({ natural, service: tx.service ?? null, representation: representation ?? null, actingSubjectID: acting, policy });
  if (!representation) attributes = [...attributes, ...releasableUpstreamAttributes(auth.upstreamAttributes ?? [], policy, tx.request.requestedAttributes)];
  const cannotProtect = (what: string) => new BrokerError('internal', 'the assertion cannot be protected as the service requires', `sp ${sp.entityID} asks for ${what} but has no encryption key`, replyTo);
  if (policy.encryptIdentifiers && representation) {
    const to = sp.encryptionCerts[0];
    if (!to) throw cannotProtect('encrypted identifiers');
    attributes = encryptIdentifierValues(attributes, to);
  }
  const encryptTo = policy.encryptAssertion ? sp.encryptionCerts[0] : undefined;
  if (policy.encryptAssertion && !encryptTo) throw cannotProtect('encryption');
  const xml = buildSuccessResponse(
    {
      issuer: idpEntityID(cfg),
      spEntityID: sp.entityID,
      acsUrl: tx.request.acsUrl,
      inResponseTo: tx.request.id,
      nameID: { ...nameID, spNameQualifier: sp.entityID },
      sessionIndex,
      authnInstant: new Date(auth.authnInstant),
      authnContextClassRef: answerUri(rung, tx.request.loa.framework, policy.loaFramework),
      ...(auth.authenticatingAuthority ? { authenticatingAuthority: auth.authenticatingAuthority } : {}),
      attributes,
      lifetimeSeconds: cfg.saml.assertionLifetimeSeconds,
      now,
    },
    {
      keys: services.keys,
      algorithm: signingAlgorithmFor(cfg, services.keys, sp.entityID),
      signAssertion: policy.signAssertion || sp.wantAssertionsSigned,
      signResponse: policy.signResponse,
      encryptTo,
    },
  );
  if (!known) await deps.sessions.addParticipant(session, { spEntityID: sp.entityID, nameID: nameID.value, nameIDFormat: nameID.format, sessionIndex });
  await deps.transactions.remove(tx.id);
  services.loginHistory.record({ personId: person.id, spEntityID: sp.entityID, method: auth.method, loa: rung, outcome: 'success', ip: req.ip ?? null, at: now });
  services.metrics.logins.inc({ method: auth.method, outcome: 'success', loa: rung });
  services.log.info({ tx: tx.id, sp: sp.entityID, method: auth.method, loa: rung }, 'assertion issued');
  sendPostToSp(res, { action: tx.request.acsUrl, field: 'SAMLResponse', xml, relayState: tx.request.relayState });
}
