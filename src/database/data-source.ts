import { DataSource, DataSourceOptions } from 'typeorm';
import { InitialSchema1764201600000 } from './migrations/1764201600000-InitialSchema';
import { DeliveryEngine1764288000000 } from './migrations/1764288000000-DeliveryEngine';
import { MembersMonth1764374400000 } from './migrations/1764374400000-MembersMonth';
import { MembersConfirmedByDefault1764460800000 } from './migrations/1764460800000-MembersConfirmedByDefault';
import { Outcomes1764547200000 } from './migrations/1764547200000-Outcomes';
import { DeliveryOverview1764547260000 } from './migrations/1764547260000-DeliveryOverview';
import { DeliverySurvivesRestarts1764633600000 } from './migrations/1764633600000-DeliverySurvivesRestarts';
import { CaseLanguages1764720000000 } from './migrations/1764720000000-CaseLanguages';
import { TemplateOrderAndVersions1764806400000 } from './migrations/1764806400000-TemplateOrderAndVersions';
import { StaffSessions1764892800000 } from './migrations/1764892800000-StaffSessions';
import { AppealDeadline1764979200000 } from './migrations/1764979200000-AppealDeadline';
import { StaffAccountsAndAudit1765065600000 } from './migrations/1765065600000-StaffAccountsAndAudit';
import { MembersListOrder1765152000000 } from './migrations/1765152000000-MembersListOrder';
import { MembersSearch1765152060000 } from './migrations/1765152060000-MembersSearch';
import { PostalChannel1765238400000 } from './migrations/1765238400000-PostalChannel';
import { PrintRuns1765324800000 } from './migrations/1765324800000-PrintRuns';
import { Safety1765520000000 } from './migrations/1765520000000-Safety';
import { OneHeldMessage1765411200000 } from './migrations/1765411200000-OneHeldMessage';
import { InboundMail1765500000000 } from './migrations/1765500000000-InboundMail';
import { NoteModeration1765510000000 } from './migrations/1765510000000-NoteModeration';
import { InboundQueue1765530000000 } from './migrations/1765530000000-InboundQueue';
import { SupporterChanges1765540000000 } from './migrations/1765540000000-SupporterChanges';
import { CycleContentChanges1765550000000 } from './migrations/1765550000000-CycleContentChanges';
import { StaffSessionChanges1765560000000 } from './migrations/1765560000000-StaffSessionChanges';
import { SignaturesCountedAtOnce1765570000000 } from './migrations/1765570000000-SignaturesCountedAtOnce';
import { CountersSideBySide1765580000000 } from './migrations/1765580000000-CountersSideBySide';

export const MIGRATIONS = [
  InitialSchema1764201600000,
  DeliveryEngine1764288000000,
  MembersMonth1764374400000,
  MembersConfirmedByDefault1764460800000,
  Outcomes1764547200000,
  DeliveryOverview1764547260000,
  DeliverySurvivesRestarts1764633600000,
  CaseLanguages1764720000000,
  TemplateOrderAndVersions1764806400000,
  StaffSessions1764892800000,
  AppealDeadline1764979200000,
  StaffAccountsAndAudit1765065600000,
  MembersListOrder1765152000000,
  MembersSearch1765152060000,
  PostalChannel1765238400000,
  PrintRuns1765324800000,
  OneHeldMessage1765411200000,
  InboundMail1765500000000,
  NoteModeration1765510000000,
  Safety1765520000000,
  InboundQueue1765530000000,
  SupporterChanges1765540000000,
  CycleContentChanges1765550000000,
  StaffSessionChanges1765560000000,
  SignaturesCountedAtOnce1765570000000,
  CountersSideBySide1765580000000,
];

/**
 * Options shared by the app and the CLI; migrations run at start, never `synchronize`. The
 * entities are not listed here (this folder sits below the records that own them): each
 * module registers its own with TypeOrmModule.forFeature and the app loads them from there.
 */
export function dataSourceOptions(databaseUrl: string): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    migrations: MIGRATIONS,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    extra: { max: 20, application_name: 'qalam' },
  };
}

export function createDataSource(databaseUrl: string): DataSource {
  return new DataSource(dataSourceOptions(databaseUrl));
}
