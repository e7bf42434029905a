//! The C ABI from C and C++: the header is current, the C examples and test programs
//! (`examples/c/*.c`, `tests/c/*.c`) compile warning-free as C99 and as C++, and run
//! correctly against the fake server.
//!
//! Needs a C and a C++ compiler (`cc`, `c++`; CI installs them).
//!
//! One file per kind of program under `tests/c_api_tests/`: `build` (compiling them),
//! `examples`, `programs` (the self-checking test programs), `header`, `stress`, `fields` and
//! `python_threads`. (Not `tests/c_api/`: with a folder named like this file, rustfmt 1.9
//! looks for `mod c`'s `support` in that folder and refuses to format.)

mod c {
    pub mod support;
}

mod c_api_tests {
    mod build;
    mod examples;
    mod fields;
    mod header;
    mod programs;
    mod python_threads;
    mod stress;
}
