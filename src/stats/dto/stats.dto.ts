import { ApiProperty } from '@nestjs/swagger';
import { ApiCount, ApiId } from '../../common/api-properties';
import { LetterCountsView } from '../../delivery/dto/letter-counts.dto';

export class SentOnDay {
  @ApiProperty({ format: 'date', example: '2026-12-01' }) date: string;
  @ApiCount() sent: number;
}

/** A case's, an appeal's or an official's letters. */
export class DeliveryStats {
  @ApiProperty({ type: LetterCountsView }) letters: LetterCountsView;
  @ApiCount({ description: 'Supporters who signed' }) supporters: number;
  @ApiProperty({ type: [SentOnDay], description: 'Letters sent per day, oldest first; days without a letter are left out' }) byDay: SentOnDay[];
}

export class SentForCase {
  @ApiId() caseId: string;
  @ApiProperty() name: string;
  @ApiCount({ description: 'Letters sent (bounced ones included)' }) sent: number;
}

export class SupporterStats {
  @ApiProperty({ type: LetterCountsView }) letters: LetterCountsView;
  @ApiProperty({ type: [SentForCase] }) cases: SentForCase[];
}

export class SentInMinute {
  @ApiProperty({ format: 'date-time' }) minute: string;
  @ApiCount() sent: number;
}

export class Throughput {
  @ApiCount({ description: 'Letters sent in the last 60 minutes, this one included' }) lastHour: number;
  @ApiProperty({ type: [SentInMinute], description: 'One entry per minute of the last hour, oldest first, zeros included' }) perMinute: SentInMinute[];
}

export class FailureReason {
  @ApiProperty({ enum: ['failed', 'unknown'] }) status: 'failed' | 'unknown';
  @ApiProperty({ type: 'integer', nullable: true, description: "The SMTP reply code, when the reason starts with one" }) code: number | null;
  @ApiProperty() text: string;
  @ApiCount() count: number;
}

export class InboundCounts {
  @ApiCount({ description: 'Delivery status notifications with a 5.x.x status about our mail' }) bounces: number;
  @ApiCount({ description: 'Abuse reports (ARF) about our mail' }) complaints: number;
  @ApiCount({ description: "Officials' replies to letters" }) replies: number;
  @ApiCount({ description: 'Delivery status notifications with a 4.x.x status (still being retried)' }) delays: number;
  @ApiCount({ description: 'Messages that could not be read, kept for review' }) unreadable: number;
  @ApiCount({ description: 'Readable messages naming nothing we sent (a forged or unknown tag), kept for review' }) ignored: number;
}

export class DeliveryOverview {
  @ApiProperty({ type: LetterCountsView }) letters: LetterCountsView;
  @ApiProperty({ type: Throughput }) throughput: Throughput;
  @ApiProperty({ type: [FailureReason], description: 'The 20 most frequent reasons letters failed or ended unknown' }) failures: FailureReason[];
  @ApiProperty({ type: InboundCounts, description: 'What the inbound mail listener received' }) inbound: InboundCounts;
}
