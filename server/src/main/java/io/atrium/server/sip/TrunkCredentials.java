package io.atrium.server.sip;

import gov.nist.javax.sip.clientauthutils.AccountManager;
import gov.nist.javax.sip.clientauthutils.UserCredentials;
import io.atrium.server.config.AtriumConfig;
import java.util.List;
import javax.sip.ClientTransaction;

/** The digest credentials of the trunk a challenged INVITE went to, for JAIN-SIP's AuthenticationHelper. */
final class TrunkCredentials implements AccountManager {

    private final List<AtriumConfig.Trunk> trunks;

    TrunkCredentials(List<AtriumConfig.Trunk> trunks) {
        this.trunks = trunks;
    }

    @Override
    public UserCredentials getCredentials(ClientTransaction challenged, String realm) {
        String host = challenged.getRequest().getRequestURI().toString();
        AtriumConfig.Trunk t = trunks.stream().filter(x -> host.contains("@" + x.address())).findFirst().orElse(null);
        if (t == null || t.username().isEmpty()) {
            return null;
        }
        return new UserCredentials() {
            @Override
            public String getUserName() {
                return t.username();
            }

            @Override
            public String getPassword() {
                return t.password();
            }

            @Override
            public String getSipDomain() {
                return realm;
            }
        };
    }
}
