// The certificate registration pages' messages, Spanish (the reference) and English; merged into
// the broker's catalogues (broker/web/i18n/catalogue.ts).
const es: Record<string, string> = {
  'registerCertificate.title': 'Registro en Cl@ve con certificado electrónico o DNIe',
  'registerCertificate.intro': 'Con un certificado electrónico reconocido o el DNIe se registra en Cl@ve con nivel avanzado, sin acudir a una oficina. Si ya está registrado con nivel básico, su registro pasa a avanzado.',
  'registerCertificate.prompt': 'Su navegador le pedirá que elija el certificado.',
  'registerCertificate.present': 'Registrarse con certificado o DNIe',
  'registerCertificate.form.title': 'Complete su registro',
  'registerCertificate.form.intro': 'El certificado le identifica como:',
  'registerCertificate.conditions': 'Cl@ve le enviará los códigos de acceso a este teléfono móvil, que debe ser suyo: solo un DNI/NIE puede estar vinculado a un mismo número. El correo electrónico sirve para avisos y para activar Cl@ve Permanente.',
  'registerCertificate.submit': 'Registrarme',
  'registerCertificate.invalid': 'Revise el teléfono móvil (con prefijo internacional) y el correo electrónico.',
  'registerCertificate.registered': 'Se ha registrado en Cl@ve con nivel avanzado.',
  'registerCertificate.raised': 'Su registro en Cl@ve es ahora de nivel avanzado.',
  'registerCertificate.already-advanced': 'Ya está registrado en Cl@ve con nivel avanzado.',
  'registerCertificate.notActive': 'Su registro en Cl@ve no está activo (renuncia o suspensión). Acuda a una oficina de registro.',
  'registerCertificate.expired': 'El formulario ha caducado. Vuelva a empezar.',
  'registerCertificate.activationCode': 'Su código de activación de Cl@ve Permanente:',
  'registerCertificate.again': 'Volver a empezar',
  'registerCertificate.account': 'Mi registro en Cl@ve',
};

const en: Record<string, string> = {
  'registerCertificate.title': 'Registering with Cl@ve with an electronic certificate or DNIe',
  'registerCertificate.intro': 'With a qualified electronic certificate or the DNIe you register with Cl@ve at advanced level, without going to an office. If you are registered at basic level already, your registration becomes advanced.',
  'registerCertificate.prompt': 'Your browser will ask you to choose the certificate.',
  'registerCertificate.present': 'Register with a certificate or DNIe',
  'registerCertificate.form.title': 'Complete your registration',
  'registerCertificate.form.intro': 'The certificate identifies you as:',
  'registerCertificate.conditions': 'Cl@ve will send the access codes to this mobile phone, which must be yours: only one DNI/NIE can be linked to the same number. The e-mail address is used for notices and to activate Cl@ve Permanente.',
  'registerCertificate.submit': 'Register',
  'registerCertificate.invalid': 'Check the mobile phone (with the international prefix) and the e-mail address.',
  'registerCertificate.registered': 'You are registered with Cl@ve at advanced level.',
  'registerCertificate.raised': 'Your Cl@ve registration is now advanced.',
  'registerCertificate.already-advanced': 'You are registered with Cl@ve at advanced level already.',
  'registerCertificate.notActive': 'Your Cl@ve registration is not active (renounced or suspended). Go to a registration office.',
  'registerCertificate.expired': 'The form has expired. Start again.',
  'registerCertificate.activationCode': 'Your Cl@ve Permanente activation code:',
  'registerCertificate.again': 'Start again',
  'registerCertificate.account': 'My Cl@ve registration',
};

export const certificateRegistrationMessages = { es, en } as const;
