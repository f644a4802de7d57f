// The kernels the module binds, one source file per concern. Each checks its arrays
// (checks.hpp), then releases the GIL and computes, threaded over its outer dimension.
#pragma once

#include <pybind11/numpy.h>

#include <cstdint>
#include <string>

namespace plugboard_native {

namespace py = pybind11;

// unary.cpp: out = f(x) elementwise, f one of unary_ops().
void unary(const std::string& op, const py::array& x, py::array out);
const char* const* unary_ops();

// softmax.cpp: softmax or log_softmax over the last dimension.
void softmax(const py::array& x, py::array out, bool log);

// norm.cpp: layer_norm over the last `normalized` elements of each row; weight and bias
// are optional (None).
void layer_norm(const py::array& x, const py::object& weight, const py::object& bias,
                double eps, std::int64_t normalized, py::array out);

// norm.cpp: rms_norm over the last `normalized` elements; weight optional (None).
void rms_norm(const py::array& x, const py::object& weight, double eps,
              std::int64_t normalized, py::array out);

// reduce.cpp: the sum over the last dimension, of `cols` elements per row.
void sum_last(const py::array& x, std::int64_t cols, py::array out);

// conv.cpp: im2col of an (N, C, H, W) array into cols (C * KH * KW, N * OH * OW).
void im2col(const py::array& x, py::array cols, std::int64_t kh, std::int64_t kw,
            std::int64_t sh, std::int64_t sw, std::int64_t ph, std::int64_t pw,
            std::int64_t dh, std::int64_t dw);

// arith.cpp: float16 and bfloat16 add, sub, mul, div computed in float and rounded
// once; either operand may be a Python number.
void binary(const std::string& op, const py::object& a, const py::object& b, double alpha,
            py::array out);

}  // namespace plugboard_native
