// SPDX-License-Identifier: GPL-2.0

//! The request side of HTTP/1.0, reduced to what netd serves: `GET` of a
//! path below the document root. Pure functions, tested on the host.

/// A parsed request line.
#[derive(Debug, PartialEq, Eq)]
pub enum Request {
    /// `GET` of this path, relative to the document root: `.` for the root
    /// itself, otherwise components joined by `/`, none of them `..`.
    Get(String),
    /// A method other than `GET` (answered 405).
    OtherMethod,
    /// Not a request netd understands (answered 400).
    Bad,
}

/// The longest request head netd reads.
pub const MAX_HEAD: usize = 4096;

/// Whether `buf` holds a complete request head (ends with an empty line).
pub fn head_complete(buf: &[u8]) -> bool {
    buf.windows(4).any(|w| w == b"\r\n\r\n") || buf.windows(2).any(|w| w == b"\n\n")
}

/// Parses the first line of a request head.
pub fn parse(head: &[u8]) -> Request {
    let Ok(text) = std::str::from_utf8(head) else {
        return Request::Bad;
    };
    let line = text.lines().next().unwrap_or("");
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Request::Bad;
    };
    if !version.starts_with("HTTP/1.") {
        return Request::Bad;
    }
    if method != "GET" {
        return Request::OtherMethod;
    }
    match relative_path(target) {
        Some(path) => Request::Get(path),
        None => Request::Bad,
    }
}

/// The path below the document root that `target` names, or `None` if it
/// is not an absolute path of plain components (no `..`, `.`, NUL,
/// backslash, percent-encoding or query).
pub fn relative_path(target: &str) -> Option<String> {
    let rest = target.strip_prefix('/')?;
    let mut parts = Vec::new();
    for part in rest.split('/') {
        if part.is_empty() {
            continue;
        }
        let plain = part
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'+'));
        if !plain || part == "." || part == ".." {
            return None;
        }
        parts.push(part);
    }
    if parts.is_empty() {
        Some(".".to_owned())
    } else {
        Some(parts.join("/"))
    }
}

/// The status line and headers of a response.
pub fn response_head(status: u16, content_type: &str, length: Option<u64>, mode: i32) -> String {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Internal Server Error",
    };
    let mut head = format!(
        "HTTP/1.0 {status} {reason}\r\nServer: netd\r\nContent-Type: {content_type}\r\n\
         X-Seccomp-Mode: {mode}\r\n"
    );
    if let Some(len) = length {
        head.push_str(&format!("Content-Length: {len}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    head
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_get_requests() {
        assert_eq!(
            parse(b"GET /a/b.txt HTTP/1.0\r\n\r\n"),
            Request::Get("a/b.txt".into())
        );
        assert_eq!(
            parse(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
            Request::Get(".".into())
        );
        assert_eq!(
            parse(b"GET //dir//f HTTP/1.0\n\n"),
            Request::Get("dir/f".into())
        );
        assert_eq!(parse(b"POST / HTTP/1.0\r\n\r\n"), Request::OtherMethod);
    }

    #[test]
    fn rejects_malformed_requests() {
        for bad in [
            &b"GET /\r\n\r\n"[..],
            b"GET / HTTP/1.0 extra\r\n\r\n",
            b"GET / SPDY/3\r\n\r\n",
            b"GET relative HTTP/1.0\r\n\r\n",
            b"\xff\xfe",
            b"",
        ] {
            assert_eq!(parse(bad), Request::Bad, "{bad:?}");
        }
    }

    #[test]
    fn refuses_paths_that_leave_the_root() {
        for target in [
            "/..",
            "/../etc/passwd",
            "/a/../../b",
            "/./a",
            "/a%2e%2e",
            "/a\\..\\b",
            "/a\0b",
            "/a?q=1",
            "/~root",
        ] {
            assert_eq!(relative_path(target), None, "{target}");
        }
        assert_eq!(relative_path("/a..b/c.txt").as_deref(), Some("a..b/c.txt"));
    }

    #[test]
    fn knows_when_the_head_is_complete() {
        assert!(head_complete(b"GET / HTTP/1.0\r\n\r\n"));
        assert!(head_complete(b"GET / HTTP/1.0\n\n"));
        assert!(!head_complete(b"GET / HTTP/1.0\r\n"));
    }

    #[test]
    fn formats_response_heads() {
        let head = response_head(200, "text/plain", Some(5), 2);
        assert!(head.starts_with("HTTP/1.0 200 OK\r\n"));
        assert!(head.contains("\r\nContent-Length: 5\r\n"));
        assert!(head.contains("\r\nX-Seccomp-Mode: 2\r\n"));
        assert!(head.ends_with("\r\n\r\n"));
        assert!(response_head(404, "text/plain", None, 0).starts_with("HTTP/1.0 404 Not Found"));
    }
}
