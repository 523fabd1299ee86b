// Imported first by main.ts: tracing must patch `http` before anything loads it.
import { initTracing } from '@crm/observability';

initTracing('notifications');
