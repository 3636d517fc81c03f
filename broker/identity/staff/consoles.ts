// The staff consoles, one line each (style.md §4): mounted at /staff/<id>/ in this order.
import type { StaffConsole } from './console.js';
import { officeConsole } from '../channels/office/index.js';
import { videoConsole } from '../channels/video/index.js';

export const staffConsoles: readonly StaffConsole[] = [officeConsole, videoConsole];
