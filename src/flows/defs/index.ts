/** Every flow definition the service ships, for loading and validating them together. */
import type { FlowDef } from '../types.js';
import { away, awayFrom, awayTo } from './away.js';
import { caseUpdate } from './caseUpdate.js';
import { feedbackCadre, feedbackCitizen } from './feedback.js';
import { periodicReport, pickPeriodic } from './periodicReport.js';
import { pickArea, pickPeriod } from './pickers.js';
import { pickIncident, urgentReport, urgentUpdate } from './urgentReport.js';
import { weeklyReport } from './weeklyReport.js';

export const ALL_FLOWS: readonly FlowDef[] = [
  weeklyReport,
  pickArea,
  pickPeriod,
  periodicReport,
  pickPeriodic,
  urgentReport,
  pickIncident,
  urgentUpdate,
  feedbackCitizen,
  feedbackCadre,
  caseUpdate,
  away,
  awayFrom,
  awayTo,
];
