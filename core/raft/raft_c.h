// libraft 0.15 and its libuv backend, wrapped for C++.
//
// raft.h and raft/uv.h declare no `extern "C"`, so every C++ file includes
// them through this header. Note: the function `raft_apply` hides the struct
// of the same name; write `struct raft_apply req;`.
#pragma once

extern "C" {
#include <raft.h>
#include <raft/uv.h>
}
