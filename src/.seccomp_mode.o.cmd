savedcmd_src/seccomp_mode.o := OBJTREE=/root/.cache/seccomp-mode/kbuild/linux-source-7.2_7.2.13-1-ba3cf3c124339339 RUST_MODFILE=./seccomp_mode clippy-driver --edition=2021 -Zbinary_dep_depinfo=y -Astable_features -Aunused_features -Dnon_ascii_idents -Dunsafe_op_in_unsafe_fn -Wmissing_docs -Wrust_2018_idioms -Wunreachable_pub -Wclippy::all -Wclippy::as_ptr_cast_mut -Wclippy::as_underscore -Wclippy::cast_lossless -Aclippy::collapsible_if -Aclippy::collapsible_match -Wclippy::ignored_unit_patterns -Aclippy::incompatible_msrv -Wclippy::mut_mut -Wclippy::needless_bitwise_bool -Aclippy::needless_lifetimes -Wclippy::no_mangle_with_rust_abi -Wclippy::ptr_as_ptr -Wclippy::ptr_cast_constness -Wclippy::ref_as_ptr -Wclippy::undocumented_unsafe_blocks -Aclippy::uninlined_format_args -Wclippy::unnecessary_safety_comment -Wclippy::unnecessary_safety_doc -Aclippy::unwrap_or_default -Wrustdoc::missing_crate_level_docs -Wrustdoc::unescaped_backticks -Cpanic=abort -Cembed-bitcode=n -Clto=n -Cforce-unwind-tables=n -Ccodegen-units=1 -Csymbol-mangling-version=v0 -Crelocation-model=static -Zfunction-sections=n -Wclippy::float_arithmetic --target=/root/.cache/seccomp-mode/kbuild/linux-source-7.2_7.2.13-1-ba3cf3c124339339/scripts/target.json -Ctarget-feature=-sse,-sse2,-sse3,-ssse3,-sse4.1,-sse4.2,-avx,-avx2 -Zcf-protection=branch -Cjump-tables=n -Ctarget-cpu=x86-64 -Ztune-cpu=generic -Cno-redzone=y -Ccode-model=kernel -Copt-level=2 -Cdebug-assertions=n -Coverflow-checks=y  --cfg MODULE  @/root/.cache/seccomp-mode/kbuild/linux-source-7.2_7.2.13-1-ba3cf3c124339339/include/generated/rustc_cfg -Zallow-features=arbitrary_self_types,asm_goto,generic_arg_infer,used_with_arg -Zcrate-attr=no_std -Zcrate-attr='feature(arbitrary_self_types,asm_goto,generic_arg_infer,used_with_arg)' -Zunstable-options --extern pin_init --extern kernel --extern zerocopy --extern zerocopy_derive --crate-type rlib -L /root/.cache/seccomp-mode/kbuild/linux-source-7.2_7.2.13-1-ba3cf3c124339339/rust/ --sysroot=/dev/null --out-dir src/ --emit=dep-info=src/.seccomp_mode.o.d --emit=obj=src/seccomp_mode.o src/seccomp_mode.rs  

source_src/seccomp_mode.o := /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/.clippy.toml

deps_src/seccomp_mode.o := \
  src/seccomp_mode.rs \
  src/../rust/ffi.rs \
  src/sysset.rs \
  src/../tests/kunit/sysset_kunit.rs \
  /root/.cache/seccomp-mode/kbuild/linux-source-7.2_7.2.13-1-ba3cf3c124339339/rust/libcore.rmeta \
  /root/.cache/seccomp-mode/kbuild/linux-source-7.2_7.2.13-1-ba3cf3c124339339/rust/libkernel.rmeta \
  /root/.cache/seccomp-mode/kbuild/linux-source-7.2_7.2.13-1-ba3cf3c124339339/rust/libffi.rmeta \
  /root/.cache/seccomp-mode/kbuild/linux-source-7.2_7.2.13-1-ba3cf3c124339339/rust/libcompiler_builtins.rmeta \
  /root/.cache/seccomp-mode/kbuild/linux-source-7.2_7.2.13-1-ba3cf3c124339339/rust/libpin_init.rmeta \
  /root/.cache/seccomp-mode/kbuild/linux-source-7.2_7.2.13-1-ba3cf3c124339339/rust/libpin_init_internal.so \
  /root/.cache/seccomp-mode/kbuild/linux-source-7.2_7.2.13-1-ba3cf3c124339339/rust/libmacros.so \
  /root/.cache/seccomp-mode/kbuild/linux-source-7.2_7.2.13-1-ba3cf3c124339339/rust/libbuild_error.rmeta \
  /root/.cache/seccomp-mode/kbuild/linux-source-7.2_7.2.13-1-ba3cf3c124339339/rust/libbindings.rmeta \
  /root/.cache/seccomp-mode/kbuild/linux-source-7.2_7.2.13-1-ba3cf3c124339339/rust/libzerocopy.rmeta \
  /root/.cache/seccomp-mode/kbuild/linux-source-7.2_7.2.13-1-ba3cf3c124339339/rust/libzerocopy_derive.so \
  /root/.cache/seccomp-mode/kbuild/linux-source-7.2_7.2.13-1-ba3cf3c124339339/rust/libuapi.rmeta \

src/seccomp_mode.o: $(deps_src/seccomp_mode.o)

$(deps_src/seccomp_mode.o):
