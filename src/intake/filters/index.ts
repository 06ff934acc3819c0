import type { Filter } from '../types';
import { duplicate } from './10-duplicate';
import { spam } from './12-spam';
import { forgedSender } from './15-forged-sender';
import { automated } from './20-automated';
import { bounce } from './25-bounce';
import { noReply } from './30-no-reply';
import { statusQueryFilter } from './35-status-query';
import { forward } from './37-forward';
import { thread } from './40-thread';

/** The intake filters, in the order they run (the file names show it too). */
export const filters: readonly Filter[] = [duplicate, spam, forgedSender, automated, bounce, noReply, statusQueryFilter, forward, thread];
