import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { OneLine, Trim } from '../../common/validation';

export class CreateCycleDto {
  @Matches(/^[0-9]{4}-(0[1-9]|1[0-2])$/, { message: 'month must be a month as YYYY-MM' }) month: string;
  @Trim() @IsString() @Length(1, 200) @OneLine() title: string;
  /** In the order members will see them. */
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @ArrayUnique() @IsUUID('all', { each: true, message: 'appealIds must hold UUIDs' }) appealIds: string[];
  @IsOptional() @IsInt() @Min(1) @Max(60) reminderAfterDays?: number;
}

export interface CycleView {
  id: string;
  month: string;
  title: string;
  status: string;
  reminderAfterDays: number | null;
  /** The cycle's appeals, in order. */
  appealIds: string[];
  openedAt: Date | null;
  /** When the reminder round began. */
  remindedAt: Date | null;
  createdAt: Date;
  /** Members to invite, invited (mail handed to the server or its outcome unknown) and reminded. */
  invitations: { total: number; invited: number; reminded: number };
}

/** What one member sees of a cycle on its signing page. */
export interface MemberCycleView {
  id: string;
  month: string;
  title: string;
  status: string;
  openedAt: Date | null;
  member: { id: string; name: string; language: string; country: string; city: string | null; signatureStyle: string };
  appeals: MemberAppealView[];
}

export interface MemberAppealView {
  id: string;
  title: string;
  /** open, paused (signatures kept, letters wait), cancelled or closed (takes no signature). */
  status: string;
  position: number;
  case: {
    id: string;
    name: string;
    country: string;
    profession: string | null;
    status: string;
    summary: string;
    charges: string | null;
    /** YYYY-MM-DD. */
    detainedOn: string | null;
    events: { occurredOn: string; kind: string; description: string; sourceUrl: string | null }[];
  };
  officials: { id: string; name: string; title: string; language: string }[];
  /** The appeal's letter templates; a letter uses its official's language when one is here, else the first. */
  templates: { id: string; language: string }[];
  signed: boolean;
  /** This member's signature, when signed. */
  signature: { id: string; note: string | null; signatureStyle: string; autoSigned: boolean; createdAt: string } | null;
}
