// The e-mails the registry sends to the member a change concerns: short, Spanish then English,
// never with a secret except the activation link, which is the point of that one.
import type { OutgoingMessage } from '../notify/notifier.js';

export interface Notice {
  readonly es: { readonly subject: string; readonly text: string };
  readonly en: { readonly subject: string; readonly text: string };
}

export function email(to: string, notice: Notice): OutgoingMessage {
  return { channel: 'email', to, subject: `${notice.es.subject} / ${notice.en.subject}`, text: `${notice.es.text}\n\n${notice.en.text}` };
}

export const notices = {
  requested: (org: string): Notice => ({
    es: { subject: 'Solicitud de alta', text: `Se ha solicitado su alta como miembro de ${org}. Recibirá un enlace de activación cuando se apruebe.` },
    en: { subject: 'Membership requested', text: `You were proposed as a member of ${org}. You will receive an activation link once it is approved.` },
  }),
  activation: (org: string, link: string, deadline: Date): Notice => ({
    es: { subject: 'Active su acceso', text: `Active su acceso a ${org} antes del ${deadline.toISOString().slice(0, 10)}: ${link}` },
    en: { subject: 'Activate your access', text: `Activate your access to ${org} before ${deadline.toISOString().slice(0, 10)}: ${link}` },
  }),
  rejected: (name: string, org: string, reason: string): Notice => ({
    es: { subject: 'Solicitud rechazada', text: `La solicitud de alta de ${name} en ${org} ha sido rechazada: ${reason}` },
    en: { subject: 'Request rejected', text: `The request to add ${name} to ${org} was rejected: ${reason}` },
  }),
  activated: (org: string): Notice => ({
    es: { subject: 'Acceso activado', text: `Su acceso a ${org} está activo.` },
    en: { subject: 'Access activated', text: `Your access to ${org} is active.` },
  }),
  changed: (org: string, whatEs: string, whatEn: string): Notice => ({
    es: { subject: 'Cambio en su acceso', text: `En ${org} ha cambiado: ${whatEs}.` },
    en: { subject: 'Your access changed', text: `In ${org} this changed: ${whatEn}.` },
  }),
  ended: (org: string, day: string | null): Notice => ({
    es: { subject: 'Fin de su acceso', text: day ? `Su acceso a ${org} termina el ${day}.` : `Su acceso a ${org} ha terminado.` },
    en: { subject: 'Your access ends', text: day ? `Your access to ${org} ends on ${day}.` : `Your access to ${org} has ended.` },
  }),
  organisationEnded: (org: string): Notice => ({
    es: { subject: 'Organización dada de baja', text: `${org} ha sido dada de baja: todos los accesos y autorizaciones han terminado.` },
    en: { subject: 'Organisation ended', text: `${org} was ended: every membership and mandate has ended.` },
  }),
  mandates: (org: string, services: string, endDate: string | null): Notice => ({
    es: { subject: 'Autorizaciones', text: endDate ? `En ${org} puede actuar para: ${services}, hasta el ${endDate} (excluido).` : `En ${org} se ha retirado su autorización para: ${services}.` },
    en: { subject: 'Mandates', text: endDate ? `In ${org} you may act for: ${services}, until ${endDate} (the day it ends).` : `In ${org} your mandate for ${services} was revoked.` },
  }),
  chain: (client: string, services: string, endDate: string | null): Notice => ({
    es: { subject: 'Autorización en cadena', text: endDate ? `${client} le autoriza como intermediario para: ${services}, hasta el ${endDate}.` : `${client} ha retirado su autorización en cadena para: ${services}.` },
    en: { subject: 'Chain mandate', text: endDate ? `${client} authorised you as intermediary for: ${services}, until ${endDate}.` : `${client} revoked your chain mandate for: ${services}.` },
  }),
};
