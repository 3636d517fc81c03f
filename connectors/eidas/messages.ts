// The eIDAS connector's messages, Spanish (the reference) and English; merged into the broker's
// catalogues (broker/web/i18n/catalogue.ts).
const es: Record<string, string> = {
  'method.eidas.label': 'Ciudadanos de la UE (eIDAS)',
  'method.eidas.description': 'Identifíquese con el medio de identificación electrónica de su país de la Unión Europea.',
  'eidas.country.title': 'Elija su país',
  'eidas.country.intro': 'Le llevaremos al nodo eIDAS de su país para que se identifique allí; después volverá a este servicio.',
  'eidas.country.unavailable': 'No disponible en este momento',
  'eidas.country.submit': 'Identificarme en {country}',
  'eidas.error.unavailable': 'El nodo eIDAS de ese país no está disponible en este momento. Inténtelo más tarde o elija otro medio.',
  'eidas.error.noLoa': 'Ningún nivel de seguridad eIDAS cubre lo que exige este servicio.',
  'eidas.error.response': 'La respuesta del nodo eIDAS de su país no es válida. El acceso se ha cancelado por seguridad.',
  'eidas.error.identity': 'El nodo eIDAS de su país no ha enviado los datos de identificación necesarios.',
  'eidas.error.stale': 'Esta respuesta ya no corresponde a su identificación en curso. Vuelva a empezar desde el servicio.',
};

const en: Record<string, string> = {
  'method.eidas.label': 'EU citizens (eIDAS)',
  'method.eidas.description': "Identify yourself with the electronic identification means of your European Union country.",
  'eidas.country.title': 'Choose your country',
  'eidas.country.intro': "We take you to your country's eIDAS node to identify yourself there; then you come back to this service.",
  'eidas.country.unavailable': 'Not available at the moment',
  'eidas.country.submit': 'Identify me in {country}',
  'eidas.error.unavailable': "That country's eIDAS node is not available at the moment. Try again later or choose another method.",
  'eidas.error.noLoa': 'No eIDAS level of assurance covers what this service requires.',
  'eidas.error.response': "The answer of your country's eIDAS node is not valid. The login was stopped for your security.",
  'eidas.error.identity': "Your country's eIDAS node did not send the identification data needed.",
  'eidas.error.stale': 'This answer no longer belongs to a login in progress. Start again from the service.',
};

export const eidasMessages = { es, en };
