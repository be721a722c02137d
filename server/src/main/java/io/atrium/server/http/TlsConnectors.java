package io.atrium.server.http;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.config.ConfigException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS (and so WSS) on {@code http.port} from a PEM certificate chain and key
 * ({@code http.tls.cert_file}/{@code key_file}), re-read when either file changes so a renewed
 * certificate is used without a restart; optionally a plain-HTTP connector on
 * {@code http.tls.redirect_port} whose requests are redirected to HTTPS. Jetty does TLS; BouncyCastle
 * reads the PEM files (PKCS#8, PKCS#1 RSA and SEC1 EC keys).
 */
final class TlsConnectors implements AutoCloseable {

    /** How often the certificate and key files are checked for changes. */
    static final long CHECK_MILLIS = 2000;
    private static final Logger log = LoggerFactory.getLogger(TlsConnectors.class);

    private final AtriumConfig.Http http;
    private final Path certFile;
    private final Path keyFile;
    private final SslContextFactory.Server ssl = new SslContextFactory.Server();
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "atrium-tls-reload");
        t.setDaemon(true);
        return t;
    });
    private volatile String loadedVersion;

    /** Reads the files now: a missing or unreadable file is a {@link ConfigException}. */
    TlsConnectors(AtriumConfig.Http http) {
        this.http = http;
        this.certFile = Path.of(http.tls().certFile());
        this.keyFile = Path.of(http.tls().keyFile());
        try {
            Loaded first = load();
            ssl.setKeyStore(first.store());
            ssl.setKeyStorePassword(first.password());
            loadedVersion = version();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new ConfigException("http.tls: cannot use " + certFile + " and " + keyFile + ": " + e.getMessage(), e);
        }
        ssl.setSniRequired(false);
        watcher.scheduleWithFixedDelay(this::reloadIfChanged, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The HTTPS connector on {@code http.host:http.port}. */
    ServerConnector https(Server server, HttpConfiguration base) {
        HttpConfiguration config = new HttpConfiguration(base);
        config.addCustomizer(new SecureRequestCustomizer(false)); // SNI host checks off: any name or IP may be used
        ServerConnector c = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(config));
        c.setHost(http.host());
        c.setPort(http.port());
        return c;
    }

    /** The plain connector on {@code http.tls.redirect_port}, whose requests the redirect handler sends to HTTPS. */
    ServerConnector redirect(Server server, HttpConfiguration base) {
        HttpConfiguration config = new HttpConfiguration(base);
        config.setSecureScheme("https");
        config.setSecurePort(http.port());
        ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(config));
        c.setHost(http.host());
        c.setPort(http.tls().redirectPort());
        return c;
    }

    private void reloadIfChanged() {
        try {
            String now = version();
            if (now.equals(loadedVersion)) {
                return;
            }
            Loaded next = load();
            ssl.reload(f -> {
                f.setKeyStore(next.store());
                f.setKeyStorePassword(next.password());
            });
            loadedVersion = now;
            log.info("http.tls: reloaded {} ({})", certFile, next.subject());
        } catch (Exception e) {
            // e.g. the files are being replaced one after the other: keep the current ones, try again
            log.warn("http.tls: cannot reload {} / {}: {}; keeping the current certificate", certFile, keyFile, e.toString());
        }
    }

    private String version() throws IOException {
        return Files.getLastModifiedTime(certFile) + "/" + Files.size(certFile) + "/"
                + Files.getLastModifiedTime(keyFile) + "/" + Files.size(keyFile);
    }

    private record Loaded(KeyStore store, String password, String subject) {
    }

    private Loaded load() throws IOException, GeneralSecurityException {
        List<Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter certs = new JcaX509CertificateConverter();
        try (Reader r = Files.newBufferedReader(certFile); PEMParser pem = new PEMParser(r)) {
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof X509CertificateHolder h) {
                    chain.add(certs.getCertificate(h));
                }
            }
        }
        if (chain.isEmpty()) {
            throw new GeneralSecurityException(certFile + " has no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        PrivateKey key = null;
        JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
        try (Reader r = Files.newBufferedReader(keyFile); PEMParser pem = new PEMParser(r)) {
            for (Object o = pem.readObject(); o != null && key == null; o = pem.readObject()) {
                if (o instanceof PEMKeyPair pair) {
                    key = keys.getKeyPair(pair).getPrivate();
                } else if (o instanceof PrivateKeyInfo info) {
                    key = keys.getPrivateKey(info);
                }
            }
        }
        if (key == null) {
            throw new GeneralSecurityException(keyFile + " has no unencrypted PEM private key");
        }
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = Base64.getEncoder().encodeToString(random);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("atrium", key, password.toCharArray(), chain.toArray(Certificate[]::new));
        return new Loaded(store, password, ((X509Certificate) chain.get(0)).getSubjectX500Principal().getName());
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}
