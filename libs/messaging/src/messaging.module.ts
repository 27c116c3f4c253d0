import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { NatsConnectionService } from './nats-connection';
import { RpcClient } from './rpc-client';
import { RpcServer } from './rpc-server';
import { MESSAGING_OPTIONS, MessagingOptions } from './tokens';
import { EventConsumerHost } from './event-consumer';
import { OUTBOX_OPTIONS, OutboxRelay } from './outbox-relay';

@Module({})
export class MessagingModule {
  /** NATS connection, request client and (for services) the queue-group request server. */
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        NatsConnectionService,
        RpcClient,
        RpcServer,
      ],
      exports: [NatsConnectionService, RpcClient, MESSAGING_OPTIONS],
    };
  }

  /** The outbox relay and durable event consumers; needs the service's DataSource. */
  static events(options: { pollMs: number }): DynamicModule {
    return {
      module: MessagingModule,
      imports: [DiscoveryModule],
      providers: [{ provide: OUTBOX_OPTIONS, useValue: options }, OutboxRelay, EventConsumerHost],
      exports: [OutboxRelay],
    };
  }
}
