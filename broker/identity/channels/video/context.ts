// What the channel's routes share: the broker's services, the use cases, the store, the
// browser visits and the channel's configuration; all stateless, so each user builds its own.
import type { BrokerServices } from '../../../services.js';
import type { Config } from '../../../config.js';
import { createVideoChannel, type VideoChannel } from './channel.js';
import { createVideoRequests, type VideoRequests } from './requests.js';
import { createVideoVisits, type VideoVisits } from './visit.js';
import { createVideoNotices, type VideoNotices } from './notices.js';

export interface VideoContext {
  readonly services: BrokerServices;
  readonly channel: VideoChannel;
  readonly requests: VideoRequests;
  readonly notices: VideoNotices;
  readonly visits: VideoVisits;
  readonly cfg: Config['videoIdentification'];
}

export function videoContextOf(services: BrokerServices): VideoContext {
  const requests = createVideoRequests(services.db);
  const notices = createVideoNotices(services.notify, services.log);
  const channel = createVideoChannel({
    config: services.config,
    db: services.db,
    requests,
    registry: services.identity,
    secrets: services.credentials.secrets,
    audit: services.audit,
    notices,
    now: services.now,
  });
  return { services, channel, requests, notices, visits: createVideoVisits(services.config, services.ephemeral, services.now), cfg: services.config.videoIdentification };
}
