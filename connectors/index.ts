// The connectors, one factory per line (style.md §4); configuration enables them by id and orders
// them on the selector.
import type { ConnectorFactory } from './connector.js';
import { pin } from './pin/index.js';
import { permanente } from './permanente/index.js';
import { movil } from './movil/index.js';
import { certificate } from './certificate/index.js';
import { eidas } from './eidas/index.js';

export const connectorFactories: readonly ConnectorFactory[] = [pin, permanente, movil, certificate, eidas];
