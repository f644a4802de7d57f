"""The README's quickstart: tensors, operators, views, devices."""

import plugboard as pb

x = pb.tensor([[1.0, 2.0], [3.0, 4.0]])
print((x @ x + 1).sum(dim=0))  # tensor([24., 34.], dtype=pb.float32, device='cpu:0')

column = x[:, 1]  # a view: shares x's storage
column[0] = 20.0
print(x.tolist())  # [[1.0, 20.0], [3.0, 4.0]]

print(pb.softmax(x, dim=1).sum(dim=1).tolist())  # each row sums to 1
print([str(d) for d in pb.devices()])  # e.g. ['cpu:0']

try:
    pb.tensor([1, 2]) + pb.tensor([1, 2, 3])
except pb.ShapeError as error:
    print(f"{type(error).__name__}: {error}")
