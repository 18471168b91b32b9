/** JMH benchmarks, each comparing an SDK path with the plain alternative in the same run. */
package io.aifactory.sdk.benchmarks;
