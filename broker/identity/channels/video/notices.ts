// The e-mails of a video identification (seed 002), in the interview's language (Dutch and
// French fall back to Spanish key by key, as every page does). Links carry a token that is worth
// nothing without the person's security code or activation code; no code ever goes by e-mail.
import type { Logger } from 'pino';
import type { Notifier } from '../../../notify/notifier.js';
import { translate } from '../../../web/i18n/catalogue.js';
import type { VideoRequest } from './requests.js';

export type VideoNotice = 'proposed' | 'confirmed' | 'reminder' | 'lapsed' | 'more-asked' | 'refused' | 'cancelled' | 'activation';

export interface VideoNotices {
  send(request: VideoRequest, notice: VideoNotice, vars?: Record<string, string>): Promise<void>;
}

export function createVideoNotices(notify: Notifier, log: Logger): VideoNotices {
  return {
    async send(request, notice, vars = {}) {
      const t = (key: string) => translate(request.language, key, { name: request.givenName, ...vars });
      try {
        await notify.send({ channel: 'email', to: request.email, subject: t(`video.mail.${notice}.subject`), text: t(`video.mail.${notice}.text`) });
      } catch (err) {
        // the state change stands; the office sees the request and can resend by proposing again
        log.warn({ err: (err as Error).message, request: request.id, notice }, 'video identification e-mail not delivered');
      }
    },
  };
}
