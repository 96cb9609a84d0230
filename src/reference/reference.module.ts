import { Global, Module } from '@nestjs/common';
import { ReferenceController } from './reference.controller.js';
import { ReferenceData } from './reference-data.js';

@Global()
@Module({
  controllers: [ReferenceController],
  providers: [{ provide: ReferenceData, useFactory: () => ReferenceData.load() }],
  exports: [ReferenceData],
})
export class ReferenceModule {}
