// Messages about the Cl@ve app: activation codes, a replaced device, and the PIN's delivery to the
// app (the PIN page's notice and its "by SMS instead" request). Spanish is the reference, English
// complete; merged into the broker's catalogues (broker/web/i18n/catalogue.ts).
const es: Record<string, string> = {
  'devices.sms.activationCode': 'Código de activación de la app Cl@ve: {code}. Válido 10 minutos. Si no lo ha solicitado, ignore este mensaje.',
  'devices.sms.replaced': 'Su app Cl@ve se ha activado en un nuevo dispositivo ({label}); el anterior ya no recibirá peticiones. Si no ha sido usted, llame al 060.',
  'devices.email.replaced.subject': 'App Cl@ve activada en un nuevo dispositivo',
  'devices.email.replaced.text': 'Su app Cl@ve se ha activado en el dispositivo «{label}». El dispositivo anterior («{previous}») ya no recibirá peticiones de acceso ni PIN. Si no ha sido usted, llame al 060.',
  'devices.push.replaced': 'Este dispositivo ya no recibe peticiones Cl@ve: la app se ha activado en otro dispositivo.',
  'pin.push.text': 'Su PIN Cl@ve para {service} está disponible en la app.',
  'pin.enter.app': 'Si tiene activada la app Cl@ve, el PIN está disponible en la app; si no, se ha enviado por SMS. Si no lo recibe en la app, puede pedirlo por SMS.',
  'pin.smsInstead.submit': 'Enviarlo por SMS',
  'pin.smsInstead.done': 'Si su PIN estaba esperando en la app Cl@ve, se ha enviado también por SMS al móvil que consta.',
};

const en: Record<string, string> = {
  'devices.sms.activationCode': 'Cl@ve app activation code: {code}. Valid 10 minutes. If you did not ask for it, ignore this message.',
  'devices.sms.replaced': 'Your Cl@ve app was activated on a new device ({label}); the previous one will no longer receive requests. If it was not you, call 060.',
  'devices.email.replaced.subject': 'Cl@ve app activated on a new device',
  'devices.email.replaced.text': 'Your Cl@ve app was activated on the device "{label}". The previous device ("{previous}") will no longer receive login requests or PINs. If it was not you, call 060.',
  'devices.push.replaced': 'This device no longer receives Cl@ve requests: the app was activated on another device.',
  'pin.push.text': 'Your Cl@ve PIN for {service} is ready in the app.',
  'pin.enter.app': 'If you activated the Cl@ve app, the PIN is waiting there; otherwise it was sent by SMS. If it does not reach the app, you can ask for it by SMS.',
  'pin.smsInstead.submit': 'Send it by SMS',
  'pin.smsInstead.done': 'If your PIN was waiting in the Cl@ve app, it has now been sent by SMS to the mobile phone on file as well.',
};

export const deviceMessages = { es, en };
