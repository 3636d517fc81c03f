// Cl@ve Permanente connector (seed 000 §5): DNI/NIE and password, reinforced with a one-time code
// when the service needs more (SMS, authenticator app or e-mail), plus the pages where people
// activate their user, recover or change their password, manage second factors and cancel.
// Permanente logins may represent an organisation (issue 7 builds on them).
import type express from 'express';
import type { Connector, ConnectorContext, ConnectorFactory } from '../connector.js';
import type { Config } from '../../broker/config.js';
import type { LoginTransaction } from '../../broker/flow/login-transaction.js';
import { highestReachable } from './modes.js';
import { mountLogin } from './login.js';
import { mountRecovery } from './recovery.js';
import { mountManagement } from './manage.js';
import { createAccountFlows } from './account-flows.js';
import { createPermanenteCodes } from './codes.js';

function mountPermanente(router: express.Router, ctx: ConnectorContext): void {
  const flows = createAccountFlows(ctx.config, ctx.ephemeral, ctx.now);
  const codes = createPermanenteCodes(ctx);
  // the two-segment /account/… routes first: /:tx would not match them, but order keeps it obvious
  mountRecovery(router, ctx, flows, codes);
  mountManagement(router, ctx, flows, codes);
  mountLogin(router, ctx, codes);
}

export const permanente: ConnectorFactory = {
  id: 'permanente',
  create(cfg: Config): Connector {
    return {
      id: 'permanente',
      labelKey: 'method.permanente',
      allowsRepresentation: true,
      reachableLoa: (tx: LoginTransaction) => highestReachable(cfg, tx),
      mount: mountPermanente,
    };
  },
};
