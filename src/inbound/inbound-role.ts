import type { QalamConfig } from '../config/config';

/** Whether the listener (and the queue it fills) runs in this process: role `inbound`, or `all` with INBOUND_SMTP_PORT set. */
export function listensForInbound(config: QalamConfig): boolean {
  return config.inboundSmtpPort !== null && (config.role === 'inbound' || config.role === 'all');
}
