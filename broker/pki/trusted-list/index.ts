// Trusted lists (ETSI TS 119 612): what the rest of broker/pki uses.
export { openTrustedLists, loadTrustedList, type TrustedListSource, type TrustedListsOptions, type TrustedListsLog } from './trusted-lists.js';
export { statusAt, isGrantedCaQcAt } from './status-at.js';
export { TrustedListError } from './trusted-list-error.js';
export { SERVICE_STATUS, SERVICE_TYPE, SVC_INFO_EXT } from './names.js';
