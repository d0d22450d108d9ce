import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { RateLimitModule } from '../common/rate-limit/rate-limit.module';
import { AppealsModule } from '../appeals/appeals.module';
import { AuthModule } from '../auth/auth.module';
import { CyclesModule } from '../cycles/cycles.module';
import { MembersModule } from '../members/members.module';
import { LettersModule } from '../letters/letters.module';
import { StatsModule } from '../stats/stats.module';
import { SupportersRepository } from '../supporters/supporters.repository';
import { CasesModule } from '../cases/cases.module';
import { OfficialsModule } from '../officials/officials.module';
import { ModerationModule } from '../moderation/moderation.module';
import { OutcomesModule } from '../outcomes/outcomes.module';
import { PrintModule } from '../print/print.module';
import { RenderingModule } from '../templates/rendering.module';
import { AssetsController } from './assets.controller';
import { DashboardController } from './dashboard.controller';
import { JoiningController } from './joining.controller';
import { MemberLinksService } from './member-links.service';
import { MembershipPagesService } from './membership-pages.service';
import { SigningController } from './signing.controller';
import { SigningService } from './signing.service';
import { ViewsService } from './views.service';
import { WebExceptionFilter } from './web-exception.filter';
import { ConsoleController } from './console/console.controller';
import { ConsoleExceptionFilter } from './console/console-exception.filter';
import { ConsoleHomeService } from './console/console-home.service';
import { HomeController } from './console/home.controller';
import { LoginController } from './console/login.controller';
import { ConsoleCasesController } from './console/console-cases.controller';
import { ConsoleMessagesController } from './console/console-messages.controller';
import { ConsoleHeldNotesController } from './console/console-held-notes.controller';
import { NoteModerationModule } from '../note-moderation/note-moderation.module';
import { ConsoleOfficialsController, OFFICIALS_UPLOAD } from './console/console-officials.controller';
import { SupportersModule } from '../supporters/supporters.module';
import { TemplatesModule } from '../templates/templates.module';
import { ConsoleAppealsController } from './console/console-appeals.controller';
import { ConsoleTemplatesController } from './console/console-templates.controller';
import { StaffAccountsModule } from '../auth/staff-accounts.module';
import { PasswordController } from './console/accounts.controller';
import { ConsoleAuditController } from './console/audit.controller';
import { ConsoleCyclesController } from './console/cycles.controller';
import { ConsoleMembersImportController, MEMBERS_UPLOAD } from './console/members-import.controller';
import { multipartForm } from './console/multipart-form';
import { ConsoleMembersController } from './console/members.controller';
import { ConsolePrintRunsController } from './console/print-runs.controller';
import { InboundApiModule } from '../inbound/inbound-api.module';
import { ConsoleRepliesController } from './console/console-replies.controller';
import { ConsoleDeliverabilityController } from './console/console-deliverability.controller';

/** Server-rendered pages: members sign the month's letters, join and leave; staff sign in to the console (console/) and read the delivery dashboard. */
@Module({
  // CyclesModule: who may use a sign link, and signing; MembersModule: joining and leaving
  // (and the member links); RenderingModule: the letters as the worker renders them; LettersModule and SupportersRepository: a member's letters and row, for their pages; AuthModule for its JwtService, which tells an expired link from a forged one.
  imports: [ConfigModule, CyclesModule, MembersModule, AuthModule, StatsModule, RateLimitModule, RenderingModule, LettersModule, AppealsModule, CasesModule, OutcomesModule, ModerationModule, NoteModerationModule, OfficialsModule, SupportersModule, TemplatesModule, StaffAccountsModule, PrintModule, InboundApiModule],
  controllers: [
    SigningController,
    JoiningController,
    AssetsController,
    DashboardController,
    HomeController,
    LoginController,
    ConsoleController,
    ConsoleCasesController,
    ConsoleMessagesController,
    ConsoleRepliesController,
    ConsoleDeliverabilityController,
    ConsoleHeldNotesController,
    ConsoleOfficialsController,
    ConsoleTemplatesController,
    ConsoleAppealsController,
    PasswordController,
    ConsoleMembersImportController,
    ConsoleMembersController,
    ConsoleCyclesController,
    ConsolePrintRunsController,
    ConsoleAuditController,
  ],
  providers: [ViewsService, SigningService, MemberLinksService, MembershipPagesService, WebExceptionFilter, SupportersRepository, ConsoleHomeService, ConsoleExceptionFilter],
})
export class WebModule implements NestModule {
  /** The console's two forms with a file: their multipart bodies are read before CsrfGuard, which checks them as every form. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(multipartForm(MEMBERS_UPLOAD)).forRoutes({ path: 'console/members/import', method: RequestMethod.POST });
    consumer.apply(multipartForm(OFFICIALS_UPLOAD)).forRoutes({ path: 'console/officials/import', method: RequestMethod.POST });
  }
}
