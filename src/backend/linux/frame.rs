//! The attach protocol spoken on `containers/<id>/attach.sock` between a client (the REPL,
//! `attach`, a batch script) and the container's monitor.
//!
//! Every frame is one type byte, a big-endian u32 payload length, then the payload. Client to
//! monitor: input bytes, a window size, end of input, terminal echo on/off. Monitor to client:
//! output bytes (stdout or stderr; a tty has only stdout, as with Docker's `-t`) and the exit
//! code once the container's process has ended. Detaching is the client closing its end: the
//! monitor forgets it and the container runs on.

/// Largest payload accepted; a bigger length is a corrupt or hostile stream.
pub const MAX_PAYLOAD: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// Client → monitor: bytes for the container's stdin (the pty, or the stdin pipe).
    Input(Vec<u8>),
    /// Client → monitor: the client terminal's size (TIOCSWINSZ on the pty master).
    Resize {
        rows: u16,
        cols: u16,
    },
    /// Client → monitor: no more input (closes the stdin pipe; on a tty nothing happens).
    CloseInput,
    /// Client → monitor: turn the pty's echo on or off (a batch client reads no echo).
    Echo(bool),
    /// Monitor → client: output of the container.
    Stdout(Vec<u8>),
    Stderr(Vec<u8>),
    /// Monitor → client: the main process has ended with this code (then the monitor closes).
    Exit(i32),
}

const INPUT: u8 = 1;
const RESIZE: u8 = 2;
const CLOSE_INPUT: u8 = 3;
const ECHO: u8 = 4;
const STDOUT: u8 = 16;
const STDERR: u8 = 17;
const EXIT: u8 = 18;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FrameError {
    #[error("attach protocol: unknown frame type {0}")]
    UnknownType(u8),
    #[error("attach protocol: frame of {0} bytes is larger than allowed")]
    TooLarge(usize),
    #[error("attach protocol: frame type {kind} needs {want} bytes, got {got}")]
    BadLength { kind: u8, want: usize, got: usize },
}

impl Frame {
    pub fn encode(&self) -> Vec<u8> {
        let (kind, payload): (u8, Vec<u8>) = match self {
            Frame::Input(b) => (INPUT, b.clone()),
            Frame::Resize { rows, cols } => {
                let mut p = rows.to_be_bytes().to_vec();
                p.extend_from_slice(&cols.to_be_bytes());
                (RESIZE, p)
            }
            Frame::CloseInput => (CLOSE_INPUT, Vec::new()),
            Frame::Echo(on) => (ECHO, vec![u8::from(*on)]),
            Frame::Stdout(b) => (STDOUT, b.clone()),
            Frame::Stderr(b) => (STDERR, b.clone()),
            Frame::Exit(code) => (EXIT, code.to_be_bytes().to_vec()),
        };
        let mut out = Vec::with_capacity(5 + payload.len());
        out.push(kind);
        out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
        out.extend_from_slice(&payload);
        out
    }

    fn decode(kind: u8, p: &[u8]) -> Result<Frame, FrameError> {
        let fixed = |want: usize| {
            if p.len() == want {
                Ok(())
            } else {
                Err(FrameError::BadLength {
                    kind,
                    want,
                    got: p.len(),
                })
            }
        };
        Ok(match kind {
            INPUT => Frame::Input(p.to_vec()),
            RESIZE => {
                fixed(4)?;
                Frame::Resize {
                    rows: u16::from_be_bytes([p[0], p[1]]),
                    cols: u16::from_be_bytes([p[2], p[3]]),
                }
            }
            CLOSE_INPUT => {
                fixed(0)?;
                Frame::CloseInput
            }
            ECHO => {
                fixed(1)?;
                Frame::Echo(p[0] != 0)
            }
            STDOUT => Frame::Stdout(p.to_vec()),
            STDERR => Frame::Stderr(p.to_vec()),
            EXIT => {
                fixed(4)?;
                Frame::Exit(i32::from_be_bytes([p[0], p[1], p[2], p[3]]))
            }
            other => return Err(FrameError::UnknownType(other)),
        })
    }
}

/// Reassembles frames from bytes as they arrive (a read may end mid-frame).
#[derive(Debug, Default)]
pub struct Decoder {
    buf: Vec<u8>,
}

impl Decoder {
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next whole frame, None when more bytes are needed.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, FrameError> {
        if self.buf.len() < 5 {
            return Ok(None);
        }
        let kind = self.buf[0];
        let len = u32::from_be_bytes([self.buf[1], self.buf[2], self.buf[3], self.buf[4]]) as usize;
        if len > MAX_PAYLOAD {
            return Err(FrameError::TooLarge(len));
        }
        if self.buf.len() < 5 + len {
            return Ok(None);
        }
        let frame = Frame::decode(kind, &self.buf[5..5 + len]);
        self.buf.drain(..5 + len);
        frame.map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Vec<Frame> {
        vec![
            Frame::Input(b"ls\n".to_vec()),
            Frame::Resize {
                rows: 40,
                cols: 132,
            },
            Frame::CloseInput,
            Frame::Echo(false),
            Frame::Echo(true),
            Frame::Stdout(b"a\r\n".to_vec()),
            Frame::Stderr(Vec::new()),
            Frame::Exit(-1),
            Frame::Exit(130),
        ]
    }

    #[test]
    fn every_frame_round_trips_even_when_split_byte_by_byte() {
        let bytes: Vec<u8> = all().iter().flat_map(Frame::encode).collect();
        let mut d = Decoder::default();
        let mut got = Vec::new();
        for b in bytes {
            d.push(&[b]);
            while let Some(f) = d.next_frame().unwrap() {
                got.push(f);
            }
        }
        assert_eq!(got, all());
    }

    #[test]
    fn wire_format_is_type_length_payload() {
        assert_eq!(
            Frame::Resize { rows: 1, cols: 258 }.encode(),
            vec![2, 0, 0, 0, 4, 0, 1, 1, 2]
        );
        assert_eq!(
            Frame::Input(b"x".to_vec()).encode(),
            vec![1, 0, 0, 0, 1, b'x']
        );
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        let mut d = Decoder::default();
        d.push(&[99, 0, 0, 0, 0]);
        assert_eq!(d.next_frame(), Err(FrameError::UnknownType(99)));
        let mut d = Decoder::default();
        d.push(&[1, 0xff, 0xff, 0xff, 0xff]);
        assert!(matches!(d.next_frame(), Err(FrameError::TooLarge(_))));
        let mut d = Decoder::default();
        d.push(&[2, 0, 0, 0, 1, 7]);
        assert_eq!(
            d.next_frame(),
            Err(FrameError::BadLength {
                kind: 2,
                want: 4,
                got: 1
            })
        );
        let mut d = Decoder::default();
        d.push(&[1, 0, 0, 0, 3, b'a']);
        assert_eq!(d.next_frame(), Ok(None), "an incomplete frame waits");
    }
}
