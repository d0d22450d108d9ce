import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { preparedQuery } from '../database/prepared';
import type { SupporterView } from './dto/supporter.dto';

const CALLER_SQL = `SELECT id, email, name, country, city, language, role, auto_sign AS "autoSign", signature_style AS "signatureStyle", active, created_at AS "createdAt"
                      FROM supporters WHERE id = $1`;

/** The one read every authenticated API request makes: the caller's row, by a statement prepared once per connection. */
@Injectable()
export class CallerRecordsRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** The supporter's record as GET /api/me shows it (role and active as they are now), or null. */
  async record(id: string): Promise<SupporterView | null> {
    const [row] = await preparedQuery<SupporterView>(this.db, 'qalam_caller_record', CALLER_SQL, [id]);
    return row ?? null;
  }
}
