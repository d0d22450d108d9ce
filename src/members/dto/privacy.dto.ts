import { ApiProperty } from '@nestjs/swagger';
import { ApiCount, ApiId, ApiNullable, ApiTimestamp } from '../../common/api-properties';
import { ROLES } from '../../common/auth/roles';
import { SIGNATURE_STYLES } from '../../supporters/supporter.entity';

export class ExportedSupporter {
  @ApiId() id: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty() country: string;
  @ApiNullable() city: string | null;
  @ApiProperty() language: string;
  @ApiProperty({ enum: ROLES }) role: string;
  @ApiProperty() autoSign: boolean;
  @ApiProperty({ enum: SIGNATURE_STYLES }) signatureStyle: string;
  @ApiProperty() active: boolean;
  @ApiNullable() consentVersion: string | null;
  @ApiTimestamp({ nullable: true }) consentedAt: Date | null;
  @ApiTimestamp({ nullable: true }) confirmedAt: Date | null;
  @ApiTimestamp({ nullable: true }) unsubscribedAt: Date | null;
  @ApiTimestamp() createdAt: Date;
  @ApiTimestamp() updatedAt: Date;
}

export class ExportedConsent {
  @ApiNullable() version: string | null;
  @ApiTimestamp({ nullable: true }) consentedAt: Date | null;
}

export class ExportedSignature {
  @ApiId() id: string;
  @ApiId() appealId: string;
  @ApiProperty() appealTitle: string;
  @ApiId() caseId: string;
  @ApiProperty() caseName: string;
  @ApiNullable() note: string | null;
  @ApiProperty({ enum: SIGNATURE_STYLES }) signatureStyle: string;
  @ApiProperty() autoSigned: boolean;
  @ApiTimestamp() signedAt: Date;
}

export class ExportedLetter {
  @ApiId() id: string;
  @ApiId() appealId: string;
  @ApiId() caseId: string;
  @ApiProperty() caseName: string;
  @ApiProperty() officialName: string;
  @ApiProperty() officialTitle: string;
  @ApiProperty({ example: 'sent' }) status: string;
  @ApiTimestamp({ nullable: true }) sentAt: Date | null;
  @ApiTimestamp() createdAt: Date;
}

export class ExportedCycleInvitation {
  @ApiId() cycleId: string;
  @ApiProperty({ example: '2026-12' }) month: string;
  @ApiProperty() title: string;
  @ApiTimestamp({ nullable: true }) invitedAt: Date | null;
  @ApiTimestamp({ nullable: true }) remindedAt: Date | null;
}

export class ExportedOutcomeMail {
  @ApiId() caseId: string;
  @ApiProperty() caseName: string;
  @ApiTimestamp() queuedAt: Date;
  @ApiTimestamp({ nullable: true }) sentAt: Date | null;
}

/** Everything qalam holds about one supporter, as they may take it away. */
export class SupporterExport {
  @ApiTimestamp() exportedAt: string;
  @ApiProperty({ type: ExportedSupporter }) supporter: ExportedSupporter;
  @ApiProperty({ type: ExportedConsent }) consent: ExportedConsent;
  @ApiProperty({ type: [ExportedSignature] }) signatures: ExportedSignature[];
  @ApiProperty({ type: [ExportedLetter] }) letters: ExportedLetter[];
  @ApiProperty({ type: [ExportedCycleInvitation] }) cycleInvitations: ExportedCycleInvitation[];
  @ApiProperty({ type: [ExportedOutcomeMail] }) caseOutcomeMails: ExportedOutcomeMail[];
}

export class DeletionReport {
  @ApiCount({ description: 'Letters still queued, cancelled so none goes out in the name of someone who left' }) lettersCancelled: number;
  @ApiCount({ description: 'Letters kept (and counted) with no supporter' }) lettersAnonymised: number;
  @ApiCount() signaturesAnonymised: number;
  @ApiCount() signaturesDeleted: number;
  @ApiProperty({ enum: ['deleted', 'scrubbed'], description: "'deleted' when nothing referred to the supporter row, else 'scrubbed'" }) supporter: 'deleted' | 'scrubbed';
}
