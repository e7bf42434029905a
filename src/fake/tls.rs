//! A self-signed certificate for the fake server's `wss://` mode.

use std::io;
use std::net::{IpAddr, Ipv4Addr};

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::PKey;
use openssl::x509::extension::{
    BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName, SubjectKeyIdentifier,
};
use openssl::x509::{X509NameBuilder, X509};

/// The server side of TLS: an acceptor and the PEM of its certificate (its own CA).
pub(crate) struct TlsMaterial {
    pub(crate) acceptor: native_tls::TlsAcceptor,
    pub(crate) cert_pem: String,
}

fn other<E: std::fmt::Display>(e: E) -> io::Error {
    io::Error::other(format!("fake server TLS setup: {e}"))
}

/// Make an EC P-256 key and a self-signed certificate for `localhost` and 127.0.0.1, marked
/// `CA:TRUE` so that a client can add it as a root.
pub(crate) fn make_tls() -> io::Result<TlsMaterial> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).map_err(other)?;
    let key = PKey::from_ec_key(EcKey::generate(&group).map_err(other)?).map_err(other)?;

    let mut name = X509NameBuilder::new().map_err(other)?;
    name.append_entry_by_text("CN", "localhost")
        .map_err(other)?;
    name.append_entry_by_text("O", "gemini_live fake server")
        .map_err(other)?;
    let name = name.build();

    let mut b = X509::builder().map_err(other)?;
    b.set_version(2).map_err(other)?;
    let mut serial = BigNum::new().map_err(other)?;
    serial
        .rand(127, MsbOption::MAYBE_ZERO, false)
        .map_err(other)?;
    let serial = serial.to_asn1_integer().map_err(other)?;
    b.set_serial_number(&serial).map_err(other)?;
    b.set_subject_name(&name).map_err(other)?;
    b.set_issuer_name(&name).map_err(other)?;
    b.set_pubkey(&key).map_err(other)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(other)?
        .as_secs() as i64;
    let not_before = Asn1Time::from_unix(now - 3600).map_err(other)?;
    let not_after = Asn1Time::days_from_now(365).map_err(other)?;
    b.set_not_before(&not_before).map_err(other)?;
    b.set_not_after(&not_after).map_err(other)?;
    b.append_extension(
        BasicConstraints::new()
            .critical()
            .ca()
            .build()
            .map_err(other)?,
    )
    .map_err(other)?;
    b.append_extension(
        KeyUsage::new()
            .critical()
            .digital_signature()
            .key_cert_sign()
            .build()
            .map_err(other)?,
    )
    .map_err(other)?;
    b.append_extension(
        ExtendedKeyUsage::new()
            .server_auth()
            .build()
            .map_err(other)?,
    )
    .map_err(other)?;
    let ski = SubjectKeyIdentifier::new()
        .build(&b.x509v3_context(None, None))
        .map_err(other)?;
    b.append_extension(ski).map_err(other)?;
    let san = SubjectAlternativeName::new()
        .dns("localhost")
        .ip(&IpAddr::V4(Ipv4Addr::LOCALHOST).to_string())
        .build(&b.x509v3_context(None, None))
        .map_err(other)?;
    b.append_extension(san).map_err(other)?;
    b.sign(&key, MessageDigest::sha256()).map_err(other)?;
    let cert = b.build();

    let cert_pem = cert.to_pem().map_err(other)?;
    let key_pem = key.private_key_to_pem_pkcs8().map_err(other)?;
    let identity = native_tls::Identity::from_pkcs8(&cert_pem, &key_pem).map_err(other)?;
    let acceptor = native_tls::TlsAcceptor::new(identity).map_err(other)?;
    let cert_pem = String::from_utf8(cert_pem).map_err(other)?;
    Ok(TlsMaterial { acceptor, cert_pem })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_names_localhost_and_is_a_ca() {
        let m = make_tls().unwrap();
        assert!(m.cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        let cert = X509::from_pem(m.cert_pem.as_bytes()).unwrap();
        let sans = cert.subject_alt_names().unwrap();
        let dns: Vec<_> = sans.iter().filter_map(|n| n.dnsname()).collect();
        assert_eq!(dns, vec!["localhost"]);
        let ips: Vec<_> = sans.iter().filter_map(|n| n.ipaddress()).collect();
        assert_eq!(ips, vec![&[127u8, 0, 0, 1][..]]);
        // Self-signed: it verifies with its own key.
        assert!(cert.verify(&cert.public_key().unwrap()).unwrap());
        // Usable as a root by native-tls.
        native_tls::Certificate::from_pem(m.cert_pem.as_bytes()).unwrap();
    }
}
