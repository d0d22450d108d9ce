import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { LRUCache } from 'lru-cache';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { Supporter } from '../supporters/supporter.entity';
import { SupporterView, toSupporterView } from '../supporters/dto/supporter.dto';
import { CallerRecordsService } from '../supporters/caller-records.service';
import { LoginResponse } from './dto/login.dto';
import type { Caller } from '../common/auth/current-supporter.decorator';
import { hashPassword, verifyPassword } from '../common/auth/password';

@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuthService.name);
  /** Access tokens already verified: a client sends the same one with every request for hours. */
  private readonly verifiedTokens = new LRUCache<string, { subject: string; expiresAt: number }>({ max: 20_000 });

  constructor(
    @InjectRepository(Supporter) private readonly supporters: Repository<Supporter>,
    @Inject(JwtService) private readonly jwt: JwtService,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
    @Inject(CallerRecordsService) private readonly callers: CallerRecordsService,
  ) {}

  /** ADMIN_EMAIL and ADMIN_PASSWORD create the first admin when there is none. */
  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail, adminPassword } = this.config;
    if (!adminEmail || !adminPassword || this.config.role === 'worker') return;
    if (await this.supporters.exists({ where: { role: 'admin' } })) return;
    await this.supporters
      .createQueryBuilder()
      .insert()
      .values({ email: adminEmail, name: 'Administrator', country: 'ZZ', role: 'admin', passwordHash: await hashPassword(adminPassword) })
      .orUpdate(['role', 'password_hash'], ['email'])
      .execute();
    this.logger.log('Created the first admin from ADMIN_EMAIL');
  }

  /**
   * A token for the supporter, or null when the email is unknown, the password wrong or the
   * account inactive: alike, in about the same time (the controller answers 401).
   */
  async login(email: string, password: string): Promise<LoginResponse | null> {
    const supporter = await this.verifyCredentials(email, password);
    if (!supporter) return null;
    const accessToken = await this.jwt.signAsync({ sub: supporter.id, role: supporter.role });
    return { accessToken, supporter: toSupporterView(supporter) };
  }

  /**
   * The active supporter with this email and password, or null: an unknown email runs scrypt
   * on a dummy hash, so it answers in about the time of a wrong password. The API's login and
   * the console's both ask here.
   */
  async verifyCredentials(email: string, password: string): Promise<Supporter | null> {
    const supporter = await this.supporters.findOne({ where: { email: email.trim().toLowerCase() } });
    const valid = await verifyPassword(password, supporter?.passwordHash ?? null);
    return supporter && valid && supporter.active ? supporter : null;
  }

  /**
   * The caller behind a Bearer token, with the role they hold now (not when the token was
   * issued), and their record (see CallerRecordsService for the rule that keeps it current
   * when a role changes or an account is deactivated).
   */
  async callerFromHeader(header: string | undefined): Promise<(Caller & { record: SupporterView }) | null> {
    const match = /^Bearer ([A-Za-z0-9._-]+)$/.exec(header ?? '');
    if (!match) return null;
    const subject = this.subjectOf(match[1]);
    if (subject === null) return null;
    const record = await this.callers.record(subject);
    return record?.active ? { id: record.id, role: record.role, record } : null;
  }

  /**
   * The supporter an access token names, or null when it is not one of ours or has expired.
   * A token verified once is remembered by its whole text (signature included, so only that
   * very token matches) with its expiry, which is checked again at every use.
   */
  private subjectOf(token: string): string | null {
    const known = this.verifiedTokens.get(token);
    if (known) return known.expiresAt > Date.now() ? known.subject : null;
    let claims: { sub?: unknown; exp?: unknown };
    try {
      claims = this.jwt.verify<{ sub?: unknown; exp?: unknown }>(token);
    } catch {
      return null;
    }
    if (typeof claims.sub !== 'string' || !/^[0-9a-f-]{36}$/i.test(claims.sub) || typeof claims.exp !== 'number') return null;
    this.verifiedTokens.set(token, { subject: claims.sub, expiresAt: claims.exp * 1000 });
    return claims.sub;
  }
}
