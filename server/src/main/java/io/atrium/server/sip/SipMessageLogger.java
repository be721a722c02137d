package io.atrium.server.sip;

import gov.nist.core.ServerLogger;
import gov.nist.javax.sip.message.SIPMessage;
import java.util.Properties;
import javax.sip.SipStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAIN-SIP's {@code gov.nist.javax.sip.SERVER_LOGGER}: every SIP message sent or received, at DEBUG on
 * the SLF4J logger {@code atrium.sip.messages} (off by default; switch it on in logback.xml to trace
 * a phone).
 */
public final class SipMessageLogger implements ServerLogger {

    private static final Logger log = LoggerFactory.getLogger("atrium.sip.messages");

    @Override
    public void closeLogFile() {
        // nothing open
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, boolean sender, long time) {
        logMessage(message, from, to, null, sender, time);
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, String status, boolean sender, long time) {
        if (log.isDebugEnabled()) {
            log.debug("{} {} -> {}{}\n{}", sender ? "sent" : "received", from, to,
                    status == null ? "" : " (" + status + ")", message.encode());
        }
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, String status, boolean sender) {
        logMessage(message, from, to, status, sender, 0L);
    }

    @Override
    public void logException(Exception ex) {
        log.warn("SIP message exception", ex);
    }

    @Override
    public void setStackProperties(Properties properties) {
        // nothing to read
    }

    @Override
    public void setSipStack(SipStack sipStack) {
        // not needed
    }
}
