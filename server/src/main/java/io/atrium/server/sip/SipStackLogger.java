package io.atrium.server.sip;

import gov.nist.core.StackLogger;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAIN-SIP's {@code gov.nist.javax.sip.STACK_LOGGER} on SLF4J (logger {@code atrium.sip.stack}), so
 * the stack never touches log4j 1.x. The stack asks {@link #isLoggingEnabled(int)} before building a
 * message, so the levels map onto the SLF4J logger's levels.
 *
 * <p>Two kinds of the stack's messages are told at debug, so that a start prints only Atrium's own lines: its
 * informational ones (thread priorities, timers, keep-alive values: about its insides, not the server's state) and
 * its warnings about TLS defaults, which it gives at every start although Atrium opens no SIP TLS listening point
 * (docs/SIP.md: UDP and TCP only).
 */
public final class SipStackLogger implements StackLogger {

    private static final Logger log = LoggerFactory.getLogger("atrium.sip.stack");

    @Override
    public void logStackTrace() {
        logStackTrace(TRACE_DEBUG);
    }

    @Override
    public void logStackTrace(int traceLevel) {
        if (isLoggingEnabled(traceLevel)) {
            log.debug("stack trace", new Throwable("stack trace"));
        }
    }

    @Override
    public int getLineCount() {
        return 0;
    }

    @Override
    public void logException(Throwable ex) {
        log.warn("SIP stack exception", ex);
    }

    @Override
    public void logDebug(String message) {
        log.debug(message);
    }

    @Override
    public void logDebug(String message, Exception ex) {
        log.debug(message, ex);
    }

    @Override
    public void logTrace(String message) {
        log.trace(message);
    }

    @Override
    public void logFatalError(String message) {
        log.error(message);
    }

    @Override
    public void logError(String message) {
        log.error(message);
    }

    @Override
    public void logError(String message, Exception ex) {
        log.error(message, ex);
    }

    @Override
    public void logWarning(String message) {
        if (aboutTls(message)) {
            log.debug(message);
        } else {
            log.warn(message);
        }
    }

    @Override
    public void logInfo(String message) {
        log.debug(message);
    }

    /** Whether a message of the stack is about its TLS key and trust stores or TLS policy, none of which Atrium uses. */
    static boolean aboutTls(String message) {
        String m = message.toLowerCase(java.util.Locale.ROOT);
        return m.contains("tls") || m.contains("keystore") || m.contains("truststore");
    }

    @Override
    public boolean isLoggingEnabled() {
        return log.isWarnEnabled();
    }

    @Override
    public boolean isLoggingEnabled(int level) {
        return switch (level) {
            case TRACE_NONE -> false;
            case TRACE_FATAL, TRACE_ERROR -> log.isErrorEnabled();
            case TRACE_WARN -> log.isWarnEnabled();
            case TRACE_INFO -> log.isDebugEnabled();
            case TRACE_DEBUG -> log.isDebugEnabled();
            default -> log.isTraceEnabled();
        };
    }

    @Override
    public void disableLogging() {
        // levels come from the SLF4J configuration
    }

    @Override
    public void enableLogging() {
        // levels come from the SLF4J configuration
    }

    @Override
    public void setBuildTimeStamp(String buildTimeStamp) {
        log.debug("JAIN-SIP build {}", buildTimeStamp);
    }

    @Override
    public void setStackProperties(Properties properties) {
        // nothing to read: levels come from the SLF4J configuration
    }

    @Override
    public String getLoggerName() {
        return log.getName();
    }
}
