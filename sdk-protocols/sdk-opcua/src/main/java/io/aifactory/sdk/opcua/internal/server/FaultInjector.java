package io.aifactory.sdk.opcua.internal.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Socket-level faults for a server: drop every connection, stop answering while keeping sockets open (the server
 * stops reading, so requests wait in the socket buffers), and delay every reply. Installed into each accepted
 * channel's pipeline.
 */
final class FaultInjector {
  private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
  private volatile boolean stalled;
  private volatile long delayNanos;

  void install(ChannelPipeline pipeline) {
    Channel channel = pipeline.channel();
    channels.add(channel);
    channel.closeFuture().addListener(f -> channels.remove(channel));
    if (stalled) channel.config().setAutoRead(false);
    pipeline.addFirst("aifactory-delay", new DelayHandler());
  }

  void dropConnections() {
    for (Channel c : channels) c.close();
  }

  void stall(boolean stalled) {
    this.stalled = stalled;
    for (Channel c : channels) c.config().setAutoRead(!stalled);
  }

  void delayReplies(Duration delay) {
    if (delay.isNegative()) throw new IllegalArgumentException("delay < 0: " + delay);
    this.delayNanos = delay.toNanos();
  }

  int connectionCount() {
    return channels.size();
  }

  /** Delays writes in order; runs on the channel's event loop only, so needs no locking. */
  private final class DelayHandler extends ChannelOutboundHandlerAdapter {
    private long lastDueNanos;
    private int pending;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      long delay = delayNanos;
      if (delay == 0 && pending == 0) {
        ctx.write(msg, promise);
        return;
      }
      long now = System.nanoTime();
      long due = Math.max(now + delay, lastDueNanos);
      lastDueNanos = due;
      pending++;
      ctx.executor().schedule(() -> {
        pending--;
        ctx.writeAndFlush(msg, promise);
      }, due - now, TimeUnit.NANOSECONDS);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      // Delayed writes flush themselves when they are due.
      if (pending == 0) ctx.flush();
    }
  }
}
