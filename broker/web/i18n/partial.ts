// Catalogues ready for translators: the page chrome and selector are translated; every other key
// falls back to Spanish until a translator completes the file.
import type { Catalogue } from './catalogue.js';

export const ca: Catalogue = {
  'app.tagline': 'Passarel·la d’identificació de les administracions públiques',
  'lang.label': 'Idioma',
  'selector.title': 'Trieu com identificar-vos',
  'selector.unavailable': 'No disponible',
  'selector.cancel': 'Cancel·la i torna al servei',
  'pin.request.submit': 'Obtenir PIN',
  'pin.enter.submit': 'Accedir',
};
export const eu: Catalogue = {
  'app.tagline': 'Administrazio publikoen identifikazio-pasabidea',
  'lang.label': 'Hizkuntza',
  'selector.title': 'Aukeratu nola identifikatu',
  'selector.unavailable': 'Ez dago erabilgarri',
  'pin.enter.submit': 'Sartu',
};
export const gl: Catalogue = {
  'app.tagline': 'Pasarela de identificación das administracións públicas',
  'lang.label': 'Idioma',
  'selector.title': 'Escolla como identificarse',
  'selector.unavailable': 'Non dispoñible',
  'pin.enter.submit': 'Acceder',
};
export const nl: Catalogue = {
  'app.tagline': 'Identificatiegateway van de overheid',
  'lang.label': 'Taal',
  'selector.title': 'Kies hoe u zich identificeert',
  'selector.unavailable': 'Niet beschikbaar',
  'selector.cancel': 'Annuleren en terug naar de dienst',
  'pin.request.submit': 'Pincode ophalen',
  'pin.enter.submit': 'Toegang',
  'represent.title': 'Namens wie handelt u?',
  'represent.myself': 'Voor mezelf',
  'represent.direct': 'Namens {organisation}',
  'represent.chain': 'Namens {client} via {intermediary}',
  'represent.branch': 'Alleen voor de vestiging {name} ({number})',
  'represent.identifier.kvk': 'KvK-nummer {value}',
};
export const fr: Catalogue = {
  'app.tagline': 'Passerelle d’identification des administrations publiques',
  'lang.label': 'Langue',
  'selector.title': 'Choisissez comment vous identifier',
  'selector.unavailable': 'Non disponible',
  'selector.cancel': 'Annuler et revenir au service',
  'pin.request.submit': 'Obtenir le PIN',
  'pin.enter.submit': 'Accéder',
};
