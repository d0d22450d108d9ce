/**
 * A reminder is due to an invited member who was invited before the cycle's reminder round
 * began (`cycles.reminded_at`), has not been reminded, and has not signed every appeal of the
 * cycle still taking signatures. Written for the aliases `ci` (cycle_invitations) and `c`
 * (cycles); shared by the query that finds whom to remind and the worker's claim.
 */
export const REMINDER_DUE = `c.status = 'open' AND c.reminded_at IS NOT NULL AND ci.invited_at IS NOT NULL AND ci.invited_at <= c.reminded_at
  AND ci.reminded_at IS NULL
  AND EXISTS (SELECT 1 FROM cycle_appeals ca JOIN appeals a ON a.id = ca.appeal_id AND a.status IN ('open', 'paused')
               WHERE ca.cycle_id = ci.cycle_id
                 AND NOT EXISTS (SELECT 1 FROM signatures sg WHERE sg.supporter_id = ci.supporter_id AND sg.appeal_id = ca.appeal_id))`;
