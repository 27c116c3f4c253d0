import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { BullModule, getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { JobMetrics } from './job-metrics';
import { QUEUE_PREFIX, QueueName } from './queues';
import { DEFAULT_JOB_OPTIONS } from './schedule';

export function redisConnectionOptions(url: string): {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: object;
  maxRetriesPerRequest: null;
} {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname && u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    // BullMQ workers need this: a blocked command must wait for Redis to come back, not fail.
    maxRetriesPerRequest: null,
  };
}

@Module({})
export class JobsModule {
  static forRoot(redisUrl: string, queues: QueueName[]): DynamicModule {
    return {
      module: JobsModule,
      global: true,
      imports: [
        BullModule.forRoot({
          connection: redisConnectionOptions(redisUrl),
          prefix: QUEUE_PREFIX,
          defaultJobOptions: DEFAULT_JOB_OPTIONS,
        }),
        BullModule.registerQueue(...queues.map((name) => ({ name }))),
        DiscoveryModule,
      ],
      providers: [
        {
          // Job durations, failures and queue depths for /metrics.
          provide: JobMetrics,
          inject: [DiscoveryService, ...queues.map((name) => getQueueToken(name))],
          useFactory: (discovery: DiscoveryService, ...registered: Queue[]) =>
            new JobMetrics(discovery, registered),
        },
      ],
      exports: [BullModule],
    };
  }
}
