// The management module's page messages (the activation link's page), Spanish (the reference)
// and English; merged into the broker's catalogues (broker/web/i18n/catalogue.ts).
const es: Record<string, string> = {
  'admin.activate.title': 'Activar su acceso',
  'admin.activate.intro': 'Ha iniciado sesión como {name}. Al activar, este acceso a una organización queda vinculado a usted.',
  'admin.activate.submit': 'Activar',
  'admin.activate.done': 'Su acceso a {organisation} está activo.',
  'admin.activate.failed': 'No se pudo activar',
  'admin.activate.invalid': 'Este enlace de activación no es válido. Compruebe que lo ha copiado entero.',
};

const en: Record<string, string> = {
  'admin.activate.title': 'Activate your access',
  'admin.activate.intro': 'You are logged in as {name}. Activating binds this access to an organisation to you.',
  'admin.activate.submit': 'Activate',
  'admin.activate.done': 'Your access to {organisation} is active.',
  'admin.activate.failed': 'Activation not possible',
  'admin.activate.invalid': 'This activation link is not valid. Check that you copied all of it.',
};

export const adminMessages = { es, en } as const;
