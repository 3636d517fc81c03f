// The management API's route table, in the order the OpenAPI document lists it.
import type { ApiRoute } from '../route.js';
import { selfRoutes } from './self.js';
import { memberRoutes } from './members.js';
import { mandateRoutes } from './mandates.js';
import { exportRoutes } from './exports.js';
import { operatorRoutes } from './operator.js';
import { staffRoutes } from './staff.js';

export const adminRoutes: readonly ApiRoute[] = [...selfRoutes, ...memberRoutes, ...mandateRoutes, ...exportRoutes, ...operatorRoutes, ...staffRoutes];
