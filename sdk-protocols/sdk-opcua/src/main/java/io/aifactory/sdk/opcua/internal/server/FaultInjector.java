package io.aifactory.sdk.opcua.internal.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Socket-level faults for a server: drop every connection, stop answering while keeping sockets open (the server
 * stops reading, so requests wait in the socket buffers, and holds back every reply it was still producing, so that
 * no answer escapes once {@link #stall} returns), and delay every reply. Installed into each accepted channel's
 * pipeline.
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
    for (Channel c : channels) {
      c.config().setAutoRead(!stalled);
      DelayHandler handler = c.pipeline().get(DelayHandler.class);
      if (!stalled && handler != null) c.eventLoop().execute(handler::releaseHeld);
    }
  }

  void delayReplies(Duration delay) {
    if (delay.isNegative()) throw new IllegalArgumentException("delay < 0: " + delay);
    this.delayNanos = delay.toNanos();
  }

  int connectionCount() {
    return channels.size();
  }

  /**
   * Delays writes, keeping their order (a reordered OPC UA message breaks the secure channel's sequence numbers, a
   * different fault). Runs on the channel's event loop only, so needs no locking.
   */
  private final class DelayHandler extends ChannelOutboundHandlerAdapter {
    private final ArrayDeque<Delayed> queue = new ArrayDeque<>();
    private ChannelHandlerContext context;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      context = ctx;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (stalled) {
        // Held until the stall ends: a reply already being produced when the stall began must not get out either.
        queue.addLast(new Delayed(msg, promise, Long.MAX_VALUE));
        return;
      }
      long delay = delayNanos;
      if (delay == 0 && queue.isEmpty()) {
        ctx.write(msg, promise);
        return;
      }
      long now = System.nanoTime();
      long due = queue.isEmpty() || queue.peekLast().due == Long.MAX_VALUE
          ? now + delay : Math.max(now + delay, queue.peekLast().due);
      queue.addLast(new Delayed(msg, promise, due));
      ctx.executor().schedule(() -> drain(ctx), Math.max(0, due - now), TimeUnit.NANOSECONDS);
    }

    /** Sends the replies held during a stall, late, as a server that hung and recovered would. */
    void releaseHeld() {
      if (context == null || queue.isEmpty()) return;
      long now = System.nanoTime();
      ArrayDeque<Delayed> released = new ArrayDeque<>(queue.size());
      for (Delayed d : queue) released.addLast(d.due == Long.MAX_VALUE ? new Delayed(d.msg, d.promise, now) : d);
      queue.clear();
      queue.addAll(released);
      drain(context);
    }

    private void drain(ChannelHandlerContext ctx) {
      long now = System.nanoTime();
      boolean wrote = false;
      while (!queue.isEmpty() && queue.peekFirst().due <= now) {
        Delayed d = queue.pollFirst();
        ctx.write(d.msg, d.promise);
        wrote = true;
      }
      if (wrote) ctx.flush();
      if (!queue.isEmpty()) {
        ctx.executor().schedule(() -> drain(ctx), Math.max(0, queue.peekFirst().due - now), TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      // Delayed writes are flushed when they are due.
      if (queue.isEmpty()) ctx.flush();
    }
  }

  private static final class Delayed {
    final Object msg;
    final ChannelPromise promise;
    final long due;

    Delayed(Object msg, ChannelPromise promise, long due) {
      this.msg = msg;
      this.promise = promise;
      this.due = due;
    }
  }
}
