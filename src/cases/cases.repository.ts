import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { CaseEvent } from './case-event.entity';
import type { CaseGender, CaseStatus, CaseTranslations } from './case.entity';

/** A case as a member's mail about it (an invitation, a thank-you) needs it. */
export interface CaseMailRow {
  name: string;
  country: string;
  profession: string | null;
  status: CaseStatus;
  summary: string;
  charges: string | null;
  detained_on: string | null;
  gender: CaseGender | null;
  translations: CaseTranslations;
}

/** The cases table's statements beyond TypeORM's own find and save. */
@Injectable()
export class CasesRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** Adds an event to a case's timeline in the caller's transaction (an official's reply made an event). */
  async insertEvent(manager: EntityManager, caseId: string, event: { occurredOn: string; kind: string; description: string; sourceUrl: string | null }): Promise<CaseEvent> {
    const [row] = await manager.query<CaseEvent[]>(
      `INSERT INTO case_events (case_id, occurred_on, kind, description, source_url) VALUES ($1, $2, $3, $4, $5)
       RETURNING id, case_id AS "caseId", occurred_on::text AS "occurredOn", kind, description, source_url AS "sourceUrl", created_at AS "createdAt"`,
      [caseId, event.occurredOn, event.kind, event.description, event.sourceUrl],
    );
    return row;
  }

  async exists(id: string): Promise<boolean> {
    const rows = await this.db.query<unknown[]>(`SELECT 1 FROM cases WHERE id = $1`, [id]);
    return rows.length > 0;
  }

  /** Whether members may write to the case now: its status and its acceptsMessages (null if there is no case). */
  async messagingOf(id: string): Promise<{ status: CaseStatus; acceptsMessages: boolean } | null> {
    const [row] = await this.db.query<{ status: CaseStatus; acceptsMessages: boolean }[]>(`SELECT status, accepts_messages AS "acceptsMessages" FROM cases WHERE id = $1`, [id]);
    return row ?? null;
  }

  /** The case's status and translations, its row locked until the caller's transaction ends (null if there is none). */
  async lockForChange(manager: EntityManager, id: string): Promise<{ status: CaseStatus; translations: CaseTranslations } | null> {
    const [existing] = await manager.query<{ status: CaseStatus; translations: CaseTranslations }[]>(`SELECT status, translations FROM cases WHERE id = $1 FOR UPDATE`, [id]);
    return existing ?? null;
  }

  /** A case that ended (released, deceased), as its thank-you needs it; null if it has not (or no longer) ended. */
  async endedForMail(id: string): Promise<CaseMailRow | null> {
    const [row] = await this.db.query<CaseMailRow[]>(
      `SELECT name, country, profession, status, summary, charges, to_char(detained_on, 'YYYY-MM-DD') AS detained_on, gender, translations
         FROM cases WHERE id = $1 AND status IN ('released', 'deceased')`,
      [id],
    );
    return row ?? null;
  }
}
