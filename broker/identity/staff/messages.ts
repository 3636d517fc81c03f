// The staff login's and home page's messages, Spanish (the reference) and English; merged into
// the broker's catalogues (broker/web/i18n/catalogue.ts).
const es: Record<string, string> = {
  'staff.role.registrar': 'registrador',
  'staff.role.interviewer': 'entrevistador',
  'staff.role.official': 'funcionario revisor',
  'staff.home.title': 'Consolas del personal',
  'staff.home.roles': 'Sus funciones: {roles}.',
  'staff.home.consoles': 'Consolas',
  'staff.login.refused': 'Acceso no permitido',
  'staff.login.failed': 'La identificación a través de la pasarela no se ha completado.',
  'staff.login.rungTooLow': 'Las consolas del personal exigen una identificación de nivel {rung} o superior (por ejemplo, certificado electrónico, o Cl@ve PIN o Permanente reforzada con registro avanzado).',
  'staff.login.noRole': 'Su identidad no tiene ninguna función de personal (registrador, entrevistador o funcionario revisor). Pídala al operador.',
  'staff.login.unknown': 'La identificación no corresponde a ninguna persona activa.',
  'staff.login.badReturn': 'La dirección de vuelta no es una consola del personal.',
  'staff.login.again': 'Identificarse de nuevo',
  'staff.login.needed': 'Identificación necesaria',
  'staff.login.expired': 'Su sesión ha terminado. Identifíquese de nuevo; los datos de este formulario no se han guardado.',
  'staff.forbidden.title': 'Función necesaria',
  'staff.forbidden.role': 'Esta consola es para quien tiene la función de {roles}.',
  'staff.logout.submit': 'Cerrar la sesión de la consola',
  'staff.logout.done': 'Sesión cerrada',
  'staff.logout.text': 'La sesión de la consola ha terminado. Cierre el navegador para terminar también la sesión de la pasarela.',
};

const en: Record<string, string> = {
  'staff.role.registrar': 'registrar',
  'staff.role.interviewer': 'interviewer',
  'staff.role.official': 'reviewing official',
  'staff.home.title': 'Staff consoles',
  'staff.home.roles': 'Your roles: {roles}.',
  'staff.home.consoles': 'Consoles',
  'staff.login.refused': 'Access not allowed',
  'staff.login.failed': 'The login through the broker did not succeed.',
  'staff.login.rungTooLow': 'The staff consoles need a login at level {rung} or higher (for example an electronic certificate, or Cl@ve PIN or reinforced Permanente with advanced registration).',
  'staff.login.noRole': 'Your identity holds no staff role (registrar, interviewer or reviewing official). Ask the operator for one.',
  'staff.login.unknown': 'The login does not identify an active person.',
  'staff.login.badReturn': 'The return address is not a staff console.',
  'staff.login.again': 'Log in again',
  'staff.login.needed': 'Login needed',
  'staff.login.expired': 'Your session has ended. Log in again; this form was not saved.',
  'staff.forbidden.title': 'Role needed',
  'staff.forbidden.role': 'This console is for holders of the role {roles}.',
  'staff.logout.submit': 'Log out of the console',
  'staff.logout.done': 'Logged out',
  'staff.logout.text': 'The console session has ended. Close the browser to end the broker session too.',
};

export const staffMessages = { es, en } as const;
